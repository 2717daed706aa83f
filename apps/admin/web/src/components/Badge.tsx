import { type KeyStatus, type UserStatus } from '../api/types';
import { keyStatusLabel, userStatusLabel } from '../lib/format';

const USER_TONE: Readonly<Record<UserStatus, string>> = {
  active: 'good',
  must_change_password: 'warn',
  locked: 'bad',
  disabled: 'muted',
};

export function UserStatusBadge({ status }: { status: UserStatus }) {
  return (
    <span className={`badge badge-${USER_TONE[status] ?? 'muted'}`}>{userStatusLabel(status)}</span>
  );
}

export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  return (
    <span className={`badge badge-${status === 'active' ? 'good' : 'muted'}`}>
      {keyStatusLabel(status)}
    </span>
  );
}

export function Badge({
  tone,
  children,
}: {
  tone: 'good' | 'warn' | 'bad' | 'muted' | 'info';
  children: string;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
