/**
 * Which changes an admin may make to an operator, and how each is confirmed — the same rules and
 * wording as for users. The server checks the role again (and refuses to disable the last admin);
 * this only decides which controls exist. Nobody changes their own account from this list: their
 * password is changed from the header, and disabling oneself would lock the door from inside.
 */
import { type Operator, type Role } from '../api/types';
import { type ActionText } from './user-actions';
import { canWrite } from './routes';

export type OperatorAction = 'reset-password' | 'unlock' | 'disable' | 'enable';

const ROLE_NAME: Readonly<Record<Role, string>> = { admin: 'admin', auditor: 'auditor' };

/** The actions offered for an operator to the signed-in `me`, in display order. */
export function operatorActionsFor(
  operator: Operator,
  role: Role | undefined,
  me: string,
): OperatorAction[] {
  if (!canWrite(role) || operator.username === me) return [];
  const actions: OperatorAction[] = ['reset-password'];
  if (operator.disabled) actions.push('enable');
  else {
    if (operator.status === 'locked') actions.push('unlock');
    actions.push('disable');
  }
  return actions;
}

export function operatorActionText(action: OperatorAction, operator: Operator): ActionText {
  const name = operator.username;
  const role = ROLE_NAME[operator.role] ?? operator.role;
  switch (action) {
    case 'reset-password':
      return {
        label: 'Reset password',
        title: `Reset the password of ${name}?`,
        body: `A new one-time password is issued and shown once. ${name}'s current password stops working, any lockout is cleared and their open sessions end; they must choose a new password at their next sign-in. A disabled ${role} stays disabled.`,
        confirm: 'Reset password',
        danger: true,
        done: `A new one-time password was issued for ${name}.`,
      };
    case 'unlock':
      return {
        label: 'Unlock',
        title: `Unlock ${name}?`,
        body: `Ends the lockout after failed sign-ins, from every address, so ${name} can sign in again now. Their password and sessions are unchanged.`,
        confirm: 'Unlock',
        danger: false,
        done: `${name} is unlocked.`,
      };
    case 'disable':
      return {
        label: 'Disable',
        title: `Disable ${name}?`,
        body: `${name} (${role}) can no longer sign in, and their open sessions end now. You can enable the account again later. The last enabled admin cannot be disabled.`,
        confirm: 'Disable',
        danger: true,
        done: `${name} is disabled.`,
      };
    case 'enable':
      return {
        label: 'Enable',
        title: `Enable ${name}?`,
        body: `${name} (${role}) can sign in again, and any lockout after failed sign-ins is cleared.`,
        confirm: 'Enable',
        danger: false,
        done: `${name} is enabled.`,
      };
  }
}
