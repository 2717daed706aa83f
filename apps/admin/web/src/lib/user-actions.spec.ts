import { type User } from '../api/types';
import { actionsFor, actionText, keyStatusText } from './user-actions';

const user = (over: Partial<User>): User => ({
  username: 'alice',
  status: 'active',
  mustChangePassword: false,
  temporaryPasswordExpiresAt: null,
  failedLogins: 0,
  lockedUntil: null,
  disabled: false,
  keyCreationBlocked: false,
  keyStatus: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('user actions', () => {
  it('offers auditors nothing at all', () => {
    for (const status of ['active', 'locked', 'disabled'] as const)
      expect(actionsFor(user({ status, keyCreationBlocked: true }), 'auditor')).toEqual([]);
  });

  it('offers admins what fits the account', () => {
    expect(actionsFor(user({}), 'admin')).toEqual(['reset-password', 'disable']);
    expect(actionsFor(user({ status: 'locked' }), 'admin')).toEqual([
      'reset-password',
      'unlock',
      'disable',
    ]);
    expect(actionsFor(user({ status: 'disabled', disabled: true }), 'admin')).toEqual([
      'reset-password',
      'enable',
    ]);
    expect(actionsFor(user({ keyStatus: 'deleted', keyCreationBlocked: true }), 'admin')).toEqual([
      'reset-password',
      'disable',
      'allow-new-key',
    ]);
  });

  it('explains each action before it is confirmed', () => {
    const reset = actionText('reset-password', 'bob');
    expect(reset).toMatchObject({ danger: true, confirm: 'Reset password' });
    expect(reset.body).toMatch(/shown once/);
    expect(actionText('disable', 'bob').body).toMatch(/sessions end/);
    expect(actionText('enable', 'bob').danger).toBe(false);
    expect(actionText('unlock', 'bob')).toMatchObject({ danger: false, confirm: 'Unlock' });
    expect(actionText('allow-new-key', 'bob').title).toBe('Allow bob to create a new key pair?');
  });

  it('describes the key column', () => {
    expect(keyStatusText('active', false)).toBe('Active');
    expect(keyStatusText('none', false)).toBe('None');
    expect(keyStatusText('deleted', true)).toBe('Deleted — new key needs approval');
    expect(keyStatusText('deleted', false)).toBe('Deleted');
  });
});
