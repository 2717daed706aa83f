import { BarChart } from '../components/BarChart';
import { ErrorMessage, Loading } from '../components/Feedback';
import { Link } from '../components/Link';
import { useApp } from '../context';
import { useLoad, useTitle } from '../hooks';
import { fillDays } from '../lib/chart';
import { formatCount, formatDay, userStatusLabel } from '../lib/format';
import { USER_STATUSES } from '../api/types';
import { canWrite } from '../lib/routes';

export function Overview() {
  useTitle('Overview');
  const { api, session } = useApp();
  const { data, error } = useLoad(() => api.overview(), 'overview');
  const days = data?.signaturesPerDay ?? [];
  const lastDay = days.length > 0 ? days[days.length - 1].day : formatDay(new Date());
  const points = fillDays(days, lastDay, 14);
  const totalUsers = data
    ? USER_STATUSES.reduce((sum, status) => sum + data.usersByStatus[status], 0)
    : 0;

  return (
    <>
      <h1>Overview</h1>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          {totalUsers === 0 && (
            <div className="notice notice-info empty-start">
              <p>
                <strong>No users yet.</strong>{' '}
                {canWrite(session.role)
                  ? 'Register your first user: they get a temporary password to give them, then create their key pair and sign with the dss command line.'
                  : 'An administrator registers them; their activity will show here.'}
              </p>
              {canWrite(session.role) && (
                <Link to="/users" className="button button-primary">
                  Register your first user
                </Link>
              )}
            </div>
          )}
          <section aria-labelledby="users-heading" className="section">
            <h2 id="users-heading">
              Users <span className="muted">({formatCount(totalUsers)})</span>
            </h2>
            <ul className="cards">
              {USER_STATUSES.map((status) => (
                <li key={status} className={`card card-${status}`}>
                  <Link to={`/users?status=${status}`} className="card-link">
                    <span className="card-value">{formatCount(data.usersByStatus[status])}</span>
                    <span className="card-label">{userStatusLabel(status)}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="activity-heading" className="section">
            <h2 id="activity-heading">Keys and activity</h2>
            <ul className="cards">
              <li className="card">
                <Link to="/keys?status=active" className="card-link">
                  <span className="card-value">{formatCount(data.activeKeys)}</span>
                  <span className="card-label">Active keys</span>
                </Link>
              </li>
              <li className="card">
                <Link to="/audit?action=signature.issued" className="card-link">
                  <span className="card-value">{formatCount(data.signaturesLast24h)}</span>
                  <span className="card-label">Signatures in the last 24 hours</span>
                </Link>
              </li>
              <li className="card">
                <Link to="/audit/key-deletions" className="card-link">
                  <span className="card-value">{formatCount(data.deletionsLast30d)}</span>
                  <span className="card-label">Key deletions in the last 30 days</span>
                </Link>
              </li>
            </ul>
          </section>
          <section aria-labelledby="chart-heading" className="section panel">
            <h2 id="chart-heading">Signatures per day</h2>
            <p className="muted">The last 14 days, in UTC.</p>
            {points.every((p) => p.count === 0) ? (
              <p className="chart-empty">
                No signatures in the last 14 days.{' '}
                {totalUsers === 0
                  ? 'They appear here once users are registered and sign documents.'
                  : 'They appear here once users sign with their key pairs.'}
              </p>
            ) : (
              <BarChart points={points} title="Signatures per day, last 14 days" />
            )}
          </section>
        </>
      )}
    </>
  );
}
