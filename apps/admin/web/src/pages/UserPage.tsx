import { useState } from 'react';
import { ApiError } from '../api/errors';
import {
  type AuditEvent,
  type KeyPair,
  type TemporaryPassword as Issued,
  type UserDetail,
} from '../api/types';
import { KeyStatusBadge, UserStatusBadge } from '../components/Badge';
import { ConfirmDialog, type ConfirmRequest } from '../components/ConfirmDialog';
import { ErrorMessage, Loading, Notice } from '../components/Feedback';
import { Link } from '../components/Link';
import { TemporaryPassword } from '../components/TemporaryPassword';
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

  const [issued, setIssued] = useState<Issued>();
  const [done, setDone] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const run = async (action: UserAction): Promise<void> => {
    setActionError(undefined);
    setDone(undefined);
    try {
      const password = await runUserAction(api, action, username);
      if (password) setIssued(password);
      setDone(actionText(action, username).done);
    } catch (err) {
      setActionError(err);
    }
    user.reload();
    events.reload();
  };

  const ask = (action: UserAction): void => {
    const text = actionText(action, username);
    setConfirm({
      title: text.title,
      body: <p>{text.body}</p>,
      confirmLabel: text.confirm,
      danger: text.danger,
      onConfirm: () => void run(action),
    });
  };

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
      {issued && <TemporaryPassword issued={issued} onDismiss={() => setIssued(undefined)} />}
      {done && !issued && <Notice tone="success">{done}</Notice>}
      <ErrorMessage error={actionError} />
      {user.data && (
        <Account user={user.data} actions={actionsFor(user.data, session.role)} onAction={ask} />
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
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
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
          {actions.map((action) => {
            const text = actionText(action, user.username);
            return (
              <button
                key={action}
                type="button"
                className={`button ${text.danger ? 'button-danger-quiet' : ''}`}
                aria-label={`${text.label} for ${user.username}`}
                onClick={() => onAction(action)}
              >
                {text.label}
              </button>
            );
          })}
        </div>
      )}
    </section>
  );
}

/** The user's key pairs from the inventory; fields it does not have are shown as —. */
function KeyHistory({ keys, busy }: { keys: KeyPair[]; busy: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={busy}>
        <caption className="visually-hidden">Key pairs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Fingerprint (SHA-256)</th>
            <th scope="col">Created</th>
            <th scope="col">Deleted</th>
            <th scope="col">Certificate</th>
            <th scope="col">Key id / algorithm</th>
          </tr>
        </thead>
        <tbody>
          {keys.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                No key pair yet: the user creates one with <code>dss keys create</code>.
              </td>
            </tr>
          )}
          {[...keys]
            .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))
            .map((key) => (
              <tr key={key.keyId}>
                <td data-label="Status">
                  {key.status ? <KeyStatusBadge status={key.status} /> : '—'}
                </td>
                <th scope="row" data-label="Fingerprint">
                  {key.fingerprint ? (
                    <code className="fingerprint">{formatFingerprint(key.fingerprint)}</code>
                  ) : (
                    '—'
                  )}
                </th>
                <td data-label="Created">{formatDateTime(key.createdAt)}</td>
                <td data-label="Deleted">{formatDateTime(key.deletedAt)}</td>
                <td data-label="Certificate">
                  {key.certificate ? (
                    <>
                      <code className="key-id">{key.certificate.serial}</code>
                      <span className="cell-note">
                        valid {formatDateTime(key.certificate.notBefore)} –{' '}
                        {formatDateTime(key.certificate.notAfter)}
                      </span>
                      {key.certificate.revokedAt && (
                        <span className="cell-note">
                          revoked {formatDateTime(key.certificate.revokedAt)}
                        </span>
                      )}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td data-label="Key id">
                  <code className="key-id">{key.keyId}</code>
                  {key.algorithm && <span className="cell-note">{key.algorithm}</span>}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
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
