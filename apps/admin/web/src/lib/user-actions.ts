/**
 * Which changes an operator may make to a user, and how each is confirmed. The server checks
 * the role again; this only decides which controls exist (auditors get none).
 */
import { type AdminApi } from '../api/client';
import { type Role, type TemporaryPassword, type User, type UserKeyStatus } from '../api/types';
import { canWrite } from './routes';

export type UserAction = 'reset-password' | 'unlock' | 'disable' | 'enable' | 'allow-new-key';

export interface ActionText {
  /** Button text; the accessible name adds the username. */
  label: string;
  title: string;
  body: string;
  confirm: string;
  danger: boolean;
  /** Said after it worked. */
  done: string;
}

/** The actions offered for a user, in display order. */
export function actionsFor(user: User, role: Role | undefined): UserAction[] {
  if (!canWrite(role)) return [];
  const actions: UserAction[] = ['reset-password'];
  if (user.disabled) actions.push('enable');
  else {
    // Unlock ends the lockout after failed logins and changes nothing else.
    if (user.status === 'locked') actions.push('unlock');
    actions.push('disable');
  }
  if (user.keyCreationBlocked) actions.push('allow-new-key');
  return actions;
}

export function actionText(action: UserAction, username: string): ActionText {
  switch (action) {
    case 'reset-password':
      return {
        label: 'Reset password',
        title: `Reset the password of ${username}?`,
        body: `A new temporary password is issued and shown once. ${username}'s current password stops working, any lockout is cleared and their open sessions end; they must choose a new password at their next login. A disabled user stays disabled.`,
        confirm: 'Reset password',
        danger: true,
        done: `A new temporary password was issued for ${username}.`,
      };
    case 'unlock':
      return {
        label: 'Unlock',
        title: `Unlock ${username}?`,
        body: `Ends the lockout after failed logins, from every address, so ${username} can log in again now. Their password and sessions are unchanged.`,
        confirm: 'Unlock',
        danger: false,
        done: `${username} is unlocked.`,
      };
    case 'disable':
      return {
        label: 'Disable',
        title: `Disable ${username}?`,
        body: `${username} can no longer log in, and their open sessions end now. Their key pair is kept. You can enable the account again later.`,
        confirm: 'Disable',
        danger: true,
        done: `${username} is disabled.`,
      };
    case 'enable':
      return {
        label: 'Enable',
        title: `Enable ${username}?`,
        body: `${username} can log in again, and any lockout after failed logins is cleared.`,
        confirm: 'Enable',
        danger: false,
        done: `${username} is enabled.`,
      };
    case 'allow-new-key':
      return {
        label: 'Allow new key',
        title: `Allow ${username} to create a new key pair?`,
        body: `${username} deleted their key pair. This lets them create a new one; the deleted key stays deleted and can never sign again.`,
        confirm: 'Allow new key',
        danger: false,
        done: `${username} may now create a new key pair.`,
      };
  }
}

/** The Key column of the users table. */
export function keyStatusText(status: UserKeyStatus, blocked: boolean): string {
  switch (status) {
    case 'active':
      return 'Active';
    case 'none':
      return blocked ? 'None (new key blocked)' : 'None';
    case 'deleted':
      return blocked ? 'Deleted — new key needs approval' : 'Deleted';
  }
}

/** Makes the change; a password reset resolves with the new temporary password. */
export async function runUserAction(
  api: AdminApi,
  action: UserAction,
  username: string,
): Promise<TemporaryPassword | undefined> {
  switch (action) {
    case 'reset-password':
      return api.resetPassword(username);
    case 'disable':
      await api.disableUser(username);
      return undefined;
    case 'enable':
      await api.enableUser(username);
      return undefined;
    case 'unlock':
      await api.unlockUser(username);
      return undefined;
    case 'allow-new-key':
      await api.allowNewKey(username);
      return undefined;
  }
}
