import { type FormEvent, useState } from 'react';
import { describeError } from '../api/errors';
import { type Operator, type OperatorCredential, type Role } from '../api/types';
import { UserStatusBadge } from '../components/Badge';
import { ConfirmDialog, type ConfirmRequest } from '../components/ConfirmDialog';
import { ErrorMessage, Loading, Notice } from '../components/Feedback';
import { TemporaryPassword } from '../components/TemporaryPassword';
import { useApp } from '../context';
import { useLoad, useTitle } from '../hooks';
import { formatDateTime, plural } from '../lib/format';
import {
  type OperatorAction,
  operatorActionsFor,
  operatorActionText,
} from '../lib/operator-actions';
import { canWrite } from '../lib/routes';

/** Operators are few; one page holds them all (the API's largest page). */
const OPERATORS_LIMIT = 200;

const ROLE_LABEL: Readonly<Record<Role, string>> = {
  admin: 'Administrator',
  auditor: 'Auditor (read-only)',
};

/**
 * The operators of this admin app: admins list, add, reset, disable, enable and unlock them;
 * auditors see the list only.
 */
export function Operators() {
  useTitle('Operators');
  const { api, session } = useApp();
  const writer = canWrite(session.role);
  const page = useLoad(() => api.listOperators({ limit: OPERATORS_LIMIT }), 'operators');
  const [issued, setIssued] = useState<OperatorCredential>();
  const [done, setDone] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const run = async (action: OperatorAction, operator: Operator): Promise<void> => {
    setActionError(undefined);
    setDone(undefined);
    const name = operator.username;
    try {
      switch (action) {
        case 'reset-password':
          setIssued(await api.resetOperatorPassword(name));
          break;
        case 'disable':
          await api.disableOperator(name);
          break;
        case 'enable':
          await api.enableOperator(name);
          break;
        case 'unlock':
          await api.unlockOperator(name);
          break;
      }
      setDone(operatorActionText(action, operator).done);
    } catch (err) {
      setActionError(err);
    }
    page.reload();
  };

  const ask = (action: OperatorAction, operator: Operator): void => {
    const text = operatorActionText(action, operator);
    setConfirm({
      title: text.title,
      body: <p>{text.body}</p>,
      confirmLabel: text.confirm,
      danger: text.danger,
      onConfirm: () => void run(action, operator),
    });
  };

  const data = page.data;
  return (
    <>
      <h1>Operators</h1>
      <p className="lead">
        The people who sign in here: administrators change users, keys and operators; auditors read
        everything and change nothing.
        {!writer && ' Only an administrator can add or change operators.'}
      </p>
      {writer && (
        <AddOperator
          onAdded={(credential) => {
            setIssued(credential);
            setDone(undefined);
            setActionError(undefined);
            page.reload();
          }}
        />
      )}
      {issued && <TemporaryPassword issued={issued} onDismiss={() => setIssued(undefined)} />}
      {done && !issued && <Notice tone="success">{done}</Notice>}
      <ErrorMessage error={actionError} />
      <ErrorMessage error={page.error} />
      {!data && !page.error && <Loading />}
      {data && (
        <>
          <div className="table-wrap">
            <table className="table" aria-busy={page.loading}>
              <caption className="visually-hidden">
                Operators, {plural(data.total, 'operator')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">Created</th>
                  {writer && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {data.items.map((operator) => (
                  <OperatorRow
                    key={operator.username}
                    operator={operator}
                    writer={writer}
                    actions={operatorActionsFor(operator, session.role, session.username)}
                    me={operator.username === session.username}
                    onAction={ask}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small">
            {plural(data.total, 'operator')}, ordered by username.
            {data.total > data.items.length && ` The first ${data.items.length} are shown.`}
          </p>
        </>
      )}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </>
  );
}

function OperatorRow({
  operator,
  writer,
  actions,
  me,
  onAction,
}: {
  operator: Operator;
  writer: boolean;
  actions: OperatorAction[];
  me: boolean;
  onAction: (action: OperatorAction, operator: Operator) => void;
}) {
  return (
    <tr>
      <th scope="row" data-label="Username">
        {operator.username}
        {me && <span className="cell-note">you</span>}
      </th>
      <td data-label="Role">{ROLE_LABEL[operator.role] ?? operator.role}</td>
      <td data-label="Status">
        <UserStatusBadge status={operator.status} />
        {operator.status === 'locked' && operator.lockedUntil && (
          <span className="cell-note">until {formatDateTime(operator.lockedUntil)}</span>
        )}
      </td>
      <td data-label="Last sign-in">
        {operator.lastLoginAt ? formatDateTime(operator.lastLoginAt) : 'Never'}
      </td>
      <td data-label="Created">{formatDateTime(operator.createdAt)}</td>
      {writer && (
        <td data-label="Actions">
          {me ? (
            <span className="muted small">
              Your own account: change your password from the menu.
            </span>
          ) : (
            <div className="actions">
              {actions.map((action) => {
                const text = operatorActionText(action, operator);
                return (
                  <button
                    key={action}
                    type="button"
                    className={`button button-small ${text.danger ? 'button-danger-quiet' : ''}`}
                    aria-label={`${text.label} for ${operator.username}`}
                    onClick={() => onAction(action, operator)}
                  >
                    {text.label}
                  </button>
                );
              })}
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

function AddOperator({ onAdded }: { onAdded: (credential: OperatorCredential) => void }) {
  const { api } = useApp();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('auditor');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const credential = await api.createOperator(username.trim().toLowerCase(), role);
      setUsername('');
      onAdded(credential);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="add-operator-heading">
      <h2 id="add-operator-heading">Add an operator</h2>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="new-operator">Username</label>
          <input
            id="new-operator"
            name="username"
            required
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            aria-describedby="new-operator-hint"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-operator-role">Role</label>
          <select
            id="new-operator-role"
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value === 'admin' ? 'admin' : 'auditor')}
          >
            <option value="auditor">{ROLE_LABEL.auditor}</option>
            <option value="admin">{ROLE_LABEL.admin}</option>
          </select>
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add operator'}
        </button>
      </form>
      <p id="new-operator-hint" className="hint">
        3–64 characters: letters a–z, digits and . _ - (stored in lower case). The operator gets a
        one-time password, shown here once, and must choose their own at first sign-in.
      </p>
      <ErrorMessage>{error}</ErrorMessage>
    </section>
  );
}
