import { type FormEvent, useState } from 'react';
import { type TemporaryPassword as Issued, type User, USER_STATUSES } from '../api/types';
import {
  ActionButtons,
  ActionConfirm,
  ActionOutcome,
  useConfirmedActions,
} from '../components/Actions';
import { Badge, UserStatusBadge } from '../components/Badge';
import { CreatePanel, OptionalField, UsernameField } from '../components/CreatePanel';
import { columnHeads, DataTable } from '../components/DataTable';
import { ErrorMessage, Loading } from '../components/Feedback';
import { Link } from '../components/Link';
import { OffsetPager } from '../components/Pager';
import { SearchField } from '../components/SearchField';
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

  const actions = useConfirmedActions(
    actionText,
    (action: UserAction, username: string) => runUserAction(api, action, username),
    page.reload,
  );
  const go = (next: Partial<UserFilters>): void =>
    navigate(`/users${writeFilters({ ...filters, offset: '', ...next })}`);

  const filtered = filters.search !== '' || filters.status !== '';
  const data = page.data;
  const info = data ? offsetPageInfo(data.total, data.offset, data.limit, data.items.length) : null;

  return (
    <>
      <h1>Users</h1>
      {writer && <RegisterUser onRegistered={actions.showIssued} />}
      <ActionOutcome actions={actions} />
      <UserFilterForm filters={filters} go={go} />

      <ErrorMessage error={page.error} />
      {!data && !page.error && <Loading />}
      {data && info && (
        <>
          <UsersTable
            users={data.items}
            busy={page.loading}
            caption={`Users, ${offsetPageLabel(info, data.total)}`}
            filtered={filtered}
            writer={writer}
            onAction={actions.ask}
          />
          <OffsetPager
            label="Users"
            info={info}
            total={data.total}
            onOffset={(offset) => go({ offset })}
          />
          <p className="muted small">{PAGE_SIZE} users per page, ordered by username.</p>
        </>
      )}
      <ActionConfirm actions={actions} />
    </>
  );
}

/** The search and status filters, kept in the page URL. */
function UserFilterForm({
  filters,
  go,
}: {
  filters: UserFilters;
  go: (next: Partial<UserFilters>) => void;
}) {
  return (
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
      <SearchField
        id="user-search"
        name="search"
        label="Username contains"
        value={filters.search}
      />
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
  );
}

/** One page of users; writers get each user's actions. */
function UsersTable({
  users,
  busy,
  caption,
  filtered,
  writer,
  onAction,
}: {
  users: User[];
  busy: boolean;
  caption: string;
  filtered: boolean;
  writer: boolean;
  onAction: (action: UserAction, username: string) => void;
}) {
  const { session } = useApp();
  return (
    <DataTable
      caption={caption}
      busy={busy}
      columns={columnHeads(['Username', 'Status', 'Key', 'Registered', writer && 'Actions'])}
      empty={
        users.length === 0 ? (
          filtered ? (
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
          )
        ) : null
      }
    >
      {users.map((user) => (
        <UserRow
          key={user.username}
          user={user}
          writer={writer}
          onAction={onAction}
          role={session.role}
        />
      ))}
    </DataTable>
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
            <ActionButtons
              actions={actions}
              name={user.username}
              describe={(action) => actionText(action, user.username)}
              onAction={(action) => onAction(action, user.username)}
            />
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

  const create = async (): Promise<void> => {
    const issued = await api.registerUser(username.trim().toLowerCase(), {
      ...(fullName.trim() ? { fullName: fullName.trim() } : {}),
      ...(email.trim() ? { email: email.trim() } : {}),
    });
    setUsername('');
    setFullName('');
    setEmail('');
    onRegistered(issued);
  };

  return (
    <CreatePanel
      headingId="register-heading"
      heading="Register a user"
      hintId="new-username-hint"
      hint="3–64 characters: letters a–z, digits and . _ - (stored in lower case). The user gets a temporary password, shown here once, and must choose their own at first login. The full name and e-mail address, if given, appear in the user's signing certificates."
      submitLabel="Register"
      busyLabel="Registering…"
      create={create}
    >
      <UsernameField
        id="new-username"
        hintId="new-username-hint"
        value={username}
        onChange={setUsername}
      />
      <OptionalField
        id="new-full-name"
        name="fullName"
        label="Full name (optional)"
        maxLength={128}
        value={fullName}
        onChange={setFullName}
      />
      <OptionalField
        id="new-email"
        name="email"
        label="E-mail (optional)"
        type="email"
        maxLength={254}
        value={email}
        onChange={setEmail}
      />
    </CreatePanel>
  );
}
