import { type FormEvent, useState } from 'react';
import { type TemporaryPassword as Issued, type User, USER_STATUSES } from '../api/types';
import { describeError } from '../api/errors';
import { Badge, UserStatusBadge } from '../components/Badge';
import { ConfirmDialog, type ConfirmRequest } from '../components/ConfirmDialog';
import { ErrorMessage, Loading, Notice } from '../components/Feedback';
import { Link } from '../components/Link';
import { Pager } from '../components/Pager';
import { TemporaryPassword } from '../components/TemporaryPassword';
import { useApp } from '../context';
import { fieldText } from '../forms';
import { useLoad, useTitle } from '../hooks';
import {
  PAGE_SIZE,
  readFilters,
  USER_FILTER_KEYS,
  type UserFilters,
  userQuery,
  writeFilters,
} from '../lib/filters';
import { formatDateTime, userStatusLabel } from '../lib/format';
import { offsetPageInfo, offsetPageLabel } from '../lib/paging';
import { canWrite, userPath } from '../lib/routes';
import {
  actionsFor,
  actionText,
  keyStatusText,
  runUserAction,
  type UserAction,
} from '../lib/user-actions';
import { navigate } from '../router';

export function Users({ search }: { search: string }) {
  useTitle('Users');
  const { api, session } = useApp();
  const writer = canWrite(session.role);
  const filters = readFilters(search, USER_FILTER_KEYS);
  const query = userQuery(filters);
  const page = useLoad(() => api.listUsers(query), search);

  const [issued, setIssued] = useState<Issued>();
  const [done, setDone] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const go = (next: Partial<UserFilters>): void =>
    navigate(`/users${writeFilters({ ...filters, offset: '', ...next })}`);

  const run = async (action: UserAction, username: string): Promise<void> => {
    setActionError(undefined);
    setDone(undefined);
    try {
      const password = await runUserAction(api, action, username);
      if (password) setIssued(password);
      setDone(actionText(action, username).done);
    } catch (err) {
      setActionError(err);
    }
    page.reload();
  };

  const ask = (action: UserAction, username: string): void => {
    const text = actionText(action, username);
    setConfirm({
      title: text.title,
      body: <p>{text.body}</p>,
      confirmLabel: text.confirm,
      danger: text.danger,
      onConfirm: () => void run(action, username),
    });
  };

  const filtered = filters.search !== '' || filters.status !== '';
  const data = page.data;
  const info = data ? offsetPageInfo(data.total, data.offset, data.limit, data.items.length) : null;

  return (
    <>
      <h1>Users</h1>
      {writer && (
        <RegisterUser
          onRegistered={(result) => {
            setIssued(result);
            setDone(undefined);
            setActionError(undefined);
            page.reload();
          }}
        />
      )}
      {issued && <TemporaryPassword issued={issued} onDismiss={() => setIssued(undefined)} />}
      {done && !issued && <Notice tone="success">{done}</Notice>}
      <ErrorMessage error={actionError} />

      <form
        className="filters"
        role="search"
        aria-label="Filter users"
        onSubmit={(event: FormEvent<HTMLFormElement>) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          go({
            search: fieldText(form, 'search'),
            status: fieldText(form, 'status'),
          });
        }}
      >
        <div className="field">
          <label htmlFor="user-search">Username contains</label>
          <input
            id="user-search"
            name="search"
            type="search"
            autoComplete="off"
            spellCheck={false}
            defaultValue={filters.search}
            key={`search-${filters.search}`}
          />
        </div>
        <div className="field">
          <label htmlFor="user-status">Status</label>
          <select
            id="user-status"
            name="status"
            value={filters.status}
            onChange={(e) => go({ status: e.target.value })}
          >
            <option value="">Any status</option>
            {USER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {userStatusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Search
          </button>
          {(filters.search || filters.status) && (
            <button type="button" className="button" onClick={() => navigate('/users')}>
              Clear
            </button>
          )}
        </div>
      </form>

      <ErrorMessage error={page.error} />
      {!data && !page.error && <Loading />}
      {data && info && (
        <>
          <div className="table-wrap">
            <table className="table" aria-busy={page.loading}>
              <caption className="visually-hidden">
                Users, {offsetPageLabel(info, data.total)}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Status</th>
                  <th scope="col">Key</th>
                  <th scope="col">Registered</th>
                  {writer && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {data.items.length === 0 && (
                  <tr>
                    <td colSpan={writer ? 5 : 4} className="empty">
                      {filtered ? (
                        'No users match these filters.'
                      ) : writer ? (
                        <>
                          No users yet —{' '}
                          <button
                            type="button"
                            className="button button-small button-primary"
                            onClick={() => document.getElementById('new-username')?.focus()}
                          >
                            register the first one
                          </button>
                        </>
                      ) : (
                        'No users yet. An administrator registers them.'
                      )}
                    </td>
                  </tr>
                )}
                {data.items.map((user) => (
                  <UserRow
                    key={user.username}
                    user={user}
                    writer={writer}
                    onAction={ask}
                    role={session.role}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Users"
            status={offsetPageLabel(info, data.total)}
            onPrevious={
              info.prevOffset === null
                ? undefined
                : () => go({ offset: info.prevOffset ? String(info.prevOffset) : '' })
            }
            onNext={
              info.nextOffset === null ? undefined : () => go({ offset: String(info.nextOffset) })
            }
          />
          <p className="muted small">{PAGE_SIZE} users per page, ordered by username.</p>
        </>
      )}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </>
  );
}

function UserRow({
  user,
  writer,
  role,
  onAction,
}: {
  user: User;
  writer: boolean;
  role: 'admin' | 'auditor';
  onAction: (action: UserAction, username: string) => void;
}) {
  const actions = actionsFor(user, role);
  return (
    <tr>
      <th scope="row" data-label="Username">
        <Link to={userPath(user.username)}>{user.username}</Link>
      </th>
      <td data-label="Status">
        <UserStatusBadge status={user.status} />
        {user.status === 'locked' && user.lockedUntil && (
          <span className="cell-note">until {formatDateTime(user.lockedUntil)}</span>
        )}
        {user.status === 'must_change_password' && user.temporaryPasswordExpiresAt && (
          <span className="cell-note">
            temporary password expires {formatDateTime(user.temporaryPasswordExpiresAt)}
          </span>
        )}
      </td>
      <td data-label="Key">
        {user.keyStatus === 'none' ? (
          <span className="muted">{keyStatusText(user.keyStatus, user.keyCreationBlocked)}</span>
        ) : (
          <Link to={`/keys?username=${encodeURIComponent(user.username)}`}>
            <Badge
              tone={
                user.keyStatus === 'active' ? 'good' : user.keyCreationBlocked ? 'warn' : 'muted'
              }
            >
              {keyStatusText(user.keyStatus, user.keyCreationBlocked)}
            </Badge>
          </Link>
        )}
      </td>
      <td data-label="Registered">{formatDateTime(user.createdAt)}</td>
      {writer && (
        <td data-label="Actions">
          <div className="actions">
            {actions.map((action) => {
              const text = actionText(action, user.username);
              return (
                <button
                  key={action}
                  type="button"
                  className={`button button-small ${text.danger ? 'button-danger-quiet' : ''}`}
                  aria-label={`${text.label} for ${user.username}`}
                  onClick={() => onAction(action, user.username)}
                >
                  {text.label}
                </button>
              );
            })}
          </div>
        </td>
      )}
    </tr>
  );
}

function RegisterUser({ onRegistered }: { onRegistered: (issued: Issued) => void }) {
  const { api } = useApp();
  const [username, setUsername] = useState('');
  const [fullName, setFullName] = useState('');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const issued = await api.registerUser(username.trim().toLowerCase(), {
        ...(fullName.trim() ? { fullName: fullName.trim() } : {}),
        ...(email.trim() ? { email: email.trim() } : {}),
      });
      setUsername('');
      setFullName('');
      setEmail('');
      onRegistered(issued);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="register-heading">
      <h2 id="register-heading">Register a user</h2>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="new-username">Username</label>
          <input
            id="new-username"
            name="username"
            required
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            aria-describedby="new-username-hint"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-full-name">Full name (optional)</label>
          <input
            id="new-full-name"
            name="fullName"
            autoComplete="off"
            maxLength={128}
            value={fullName}
            onChange={(e) => setFullName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-email">E-mail (optional)</label>
          <input
            id="new-email"
            name="email"
            type="email"
            autoComplete="off"
            maxLength={254}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Registering…' : 'Register'}
        </button>
      </form>
      <p id="new-username-hint" className="hint">
        3–64 characters: letters a–z, digits and . _ - (stored in lower case). The user gets a
        temporary password, shown here once, and must choose their own at first login. The full name
        and e-mail address, if given, appear in the user's signing certificates.
      </p>
      <ErrorMessage>{error}</ErrorMessage>
    </section>
  );
}
