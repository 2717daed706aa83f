import { ApiError } from '../api/errors';
import { type AuditEvent, type KeyPair, type UserDetail } from '../api/types';
import {
  ActionButtons,
  ActionConfirm,
  ActionOutcome,
  useConfirmedActions,
} from '../components/Actions';
import { UserStatusBadge } from '../components/Badge';
import { ErrorMessage, Loading } from '../components/Feedback';
import { KeyTable } from '../components/KeyTable';
import { Link } from '../components/Link';
import { useApp } from '../context';
import { useLoad, useTitle } from '../hooks';
import { formatDateTime, formatFingerprint } from '../lib/format';
import {
  actionsFor,
  actionText,
  keyStatusText,
  runUserAction,
  type UserAction,
} from '../lib/user-actions';
import { mergeEvents } from '../lib/user-activity';
import { EventTable } from './AuditLog';

/** Key pairs, signatures and events shown on the page; the full lists are one link away. */
const KEYS_SHOWN = 50;
const SIGNATURES_SHOWN = 10;
const EVENTS_SHOWN = 20;

/** One user: account state, key history, recent signatures and events, and the actions. */
export function UserPage({ username }: { username: string }) {
  useTitle(username);
  const { api, session } = useApp();
  const user = useLoad(() => api.getUser(username), `user:${username}`);
  const keys = useLoad(() => api.listKeys({ username, limit: KEYS_SHOWN }), `keys:${username}`);
  const signatures = useLoad(
    () =>
      api.listAuditEvents({
        action: 'signature.issued',
        actor: username,
        actorType: 'user',
        limit: SIGNATURES_SHOWN,
        order: 'desc',
      }),
    `signatures:${username}`,
  );
  const events = useLoad(async () => {
    const [by, about] = await Promise.all([
      api.listAuditEvents({
        actor: username,
        actorType: 'user',
        limit: EVENTS_SHOWN,
        order: 'desc',
      }),
      api.listAuditEvents({ subject: username, limit: EVENTS_SHOWN, order: 'desc' }),
    ]);
    return mergeEvents(by.items, about.items, EVENTS_SHOWN);
  }, `events:${username}`);

  const actions = useConfirmedActions(
    (action: UserAction) => actionText(action, username),
    (action: UserAction) => runUserAction(api, action, username),
    () => {
      user.reload();
      events.reload();
    },
  );

  const missing = user.error instanceof ApiError && user.error.status === 404;
  const encoded = encodeURIComponent(username);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/users">← Users</Link>
      </p>
      <h1>{username}</h1>
      {missing ? (
        <p>
          There is no user named <strong>{username}</strong>.{' '}
          <Link to="/users">Back to the users</Link>.
        </p>
      ) : (
        <ErrorMessage error={user.error} />
      )}
      {!user.data && !user.error && <Loading />}
      <ActionOutcome actions={actions} />
      {user.data && (
        <Account
          user={user.data}
          actions={actionsFor(user.data, session.role)}
          onAction={(action) => actions.ask(action, undefined)}
        />
      )}

      {!missing && (
        <>
          <section className="section" aria-labelledby="key-history-heading">
            <h2 id="key-history-heading">Key history</h2>
            <ErrorMessage error={keys.error} />
            {!keys.data && !keys.error && <Loading />}
            {keys.data && <KeyHistory keys={keys.data.items} busy={keys.loading} />}
            {keys.data && keys.data.total > keys.data.items.length && (
              <p className="muted small">
                The newest {keys.data.items.length} of {keys.data.total}.{' '}
                <Link to={`/keys?username=${encoded}`}>All of them in Keys</Link>
              </p>
            )}
          </section>

          <section className="section" aria-labelledby="signatures-heading">
            <h2 id="signatures-heading">Recent signatures</h2>
            <ErrorMessage error={signatures.error} />
            {!signatures.data && !signatures.error && <Loading />}
            {signatures.data && (
              <Signatures events={signatures.data.items} busy={signatures.loading} />
            )}
            <p className="muted small">
              <Link to={`/audit?action=signature.issued&user=${encoded}`}>
                Every signature by {username} in the audit log
              </Link>
            </p>
          </section>

          <section className="section" aria-labelledby="events-heading">
            <h2 id="events-heading">Recent audit events</h2>
            <p className="muted">What {username} did, and what was done to the account.</p>
            <ErrorMessage error={events.error} />
            {!events.data && !events.error && <Loading />}
            {events.data && (
              <EventTable
                events={events.data}
                busy={events.loading}
                empty={`No events by or about ${username} yet.`}
              />
            )}
            <p className="muted small">
              In the audit log: <Link to={`/audit?user=${encoded}`}>by {username}</Link> ·{' '}
              <Link to={`/audit?subject=${encoded}`}>about {username}</Link>
            </p>
          </section>
        </>
      )}
      <ActionConfirm actions={actions} />
    </>
  );
}

function Account({
  user,
  actions,
  onAction,
}: {
  user: UserDetail;
  actions: UserAction[];
  onAction: (action: UserAction) => void;
}) {
  return (
    <section className="panel" aria-labelledby="account-heading">
      <h2 id="account-heading">Account</h2>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <UserStatusBadge status={user.status} />
            {user.status === 'locked' && user.lockedUntil && (
              <span className="cell-note">until {formatDateTime(user.lockedUntil)}</span>
            )}
          </dd>
        </div>
        {user.mustChangePassword && (
          <div>
            <dt>Temporary password expires</dt>
            <dd>{formatDateTime(user.temporaryPasswordExpiresAt)}</dd>
          </div>
        )}
        <div>
          <dt>Failed logins in a row</dt>
          <dd>{user.failedLogins}</dd>
        </div>
        <div>
          <dt>Key</dt>
          <dd>{keyStatusText(user.keyStatus, user.keyCreationBlocked)}</dd>
        </div>
        {user.activeKey && (
          <div>
            <dt>Active key fingerprint</dt>
            <dd>
              <code className="fingerprint">{formatFingerprint(user.activeKey.fingerprint)}</code>
            </dd>
          </div>
        )}
        <div>
          <dt>Registered</dt>
          <dd>{formatDateTime(user.createdAt)}</dd>
        </div>
        <div>
          <dt>Last change</dt>
          <dd>{formatDateTime(user.updatedAt)}</dd>
        </div>
      </dl>
      {actions.length > 0 && (
        <div className="actions" role="group" aria-label={`Actions for ${user.username}`}>
          <ActionButtons
            actions={actions}
            name={user.username}
            describe={(action) => actionText(action, user.username)}
            onAction={onAction}
            small={false}
          />
        </div>
      )}
    </section>
  );
}

/** The user's key pairs from the inventory, newest first. */
function KeyHistory({ keys, busy }: { keys: KeyPair[]; busy: boolean }) {
  return (
    <KeyTable
      keys={[...keys].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))}
      busy={busy}
      caption="Key pairs, newest first"
      empty={
        <>
          No key pair yet: the user creates one with <code>dss keys create</code>.
        </>
      }
      showUser={false}
    />
  );
}

/** A detail of a `signature.issued` event as text, or —. */
function detail(event: AuditEvent, name: string): string {
  const value = event.details?.[name];
  return typeof value === 'string' && value !== '' ? value : '—';
}

function Signatures({ events, busy }: { events: AuditEvent[]; busy: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={busy}>
        <caption className="visually-hidden">Signatures, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Document digest</th>
            <th scope="col">Key id</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                No signatures yet.
              </td>
            </tr>
          )}
          {events.map((e) => (
            <tr key={e.seq}>
              <td data-label="#" className="num">
                {e.seq}
              </td>
              <th scope="row" data-label="Time">
                {formatDateTime(e.at, true)}
              </th>
              <td data-label="Digest">
                <code className="hash">{detail(e, 'digest')}</code>
              </td>
              <td data-label="Key id">
                <code className="key-id">{e.subject ?? detail(e, 'keyId')}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
