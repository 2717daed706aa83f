import { useState } from 'react';
import { type AdminApi } from '../api/client';
import { type Operator, type OperatorCredential, type Role } from '../api/types';
import {
  ActionButtons,
  ActionConfirm,
  ActionOutcome,
  useConfirmedActions,
} from '../components/Actions';
import { UserStatusBadge } from '../components/Badge';
import { CreatePanel, UsernameField } from '../components/CreatePanel';
import { columnHeads, DataTable } from '../components/DataTable';
import { ErrorMessage, Loading } from '../components/Feedback';
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
  const actions = useConfirmedActions(
    operatorActionText,
    (action: OperatorAction, operator: Operator) => runOperatorAction(api, action, operator),
    page.reload,
  );

  const data = page.data;
  return (
    <>
      <h1>Operators</h1>
      <p className="lead">
        The people who sign in here: administrators change users, keys and operators; auditors read
        everything and change nothing.
        {!writer && ' Only an administrator can add or change operators.'}
      </p>
      {writer && <AddOperator onAdded={actions.showIssued} />}
      <ActionOutcome actions={actions} />
      <ErrorMessage error={page.error} />
      {!data && !page.error && <Loading />}
      {data && (
        <>
          <DataTable
            caption={`Operators, ${plural(data.total, 'operator')}`}
            busy={page.loading}
            columns={columnHeads([
              'Username',
              'Role',
              'Status',
              'Last sign-in',
              'Created',
              writer && 'Actions',
            ])}
            empty={null}
          >
            {data.items.map((operator) => (
              <OperatorRow
                key={operator.username}
                operator={operator}
                writer={writer}
                actions={operatorActionsFor(operator, session.role, session.username)}
                me={operator.username === session.username}
                onAction={actions.ask}
              />
            ))}
          </DataTable>
          <p className="muted small">
            {plural(data.total, 'operator')}, ordered by username.
            {data.total > data.items.length && ` The first ${data.items.length} are shown.`}
          </p>
        </>
      )}
      <ActionConfirm actions={actions} />
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
              <ActionButtons
                actions={actions}
                name={operator.username}
                describe={(action) => operatorActionText(action, operator)}
                onAction={(action) => onAction(action, operator)}
              />
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

/** Carries out a confirmed action; a password reset answers the new one-time password. */
async function runOperatorAction(
  api: AdminApi,
  action: OperatorAction,
  operator: Operator,
): Promise<OperatorCredential | undefined> {
  const name = operator.username;
  switch (action) {
    case 'reset-password':
      return api.resetOperatorPassword(name);
    case 'disable':
      await api.disableOperator(name);
      return undefined;
    case 'enable':
      await api.enableOperator(name);
      return undefined;
    case 'unlock':
      await api.unlockOperator(name);
      return undefined;
  }
}

function AddOperator({ onAdded }: { onAdded: (credential: OperatorCredential) => void }) {
  const { api } = useApp();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('auditor');

  const create = async (): Promise<void> => {
    const credential = await api.createOperator(username.trim().toLowerCase(), role);
    setUsername('');
    onAdded(credential);
  };

  return (
    <CreatePanel
      headingId="add-operator-heading"
      heading="Add an operator"
      hintId="new-operator-hint"
      hint="3–64 characters: letters a–z, digits and . _ - (stored in lower case). The operator gets a one-time password, shown here once, and must choose their own at first sign-in."
      submitLabel="Add operator"
      busyLabel="Adding…"
      create={create}
    >
      <UsernameField
        id="new-operator"
        hintId="new-operator-hint"
        value={username}
        onChange={setUsername}
      />
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
    </CreatePanel>
  );
}
