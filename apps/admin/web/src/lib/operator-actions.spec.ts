import { type Operator } from '../api/types';
import { operatorActionsFor, operatorActionText } from './operator-actions';

const operator = (over: Partial<Operator>): Operator => ({
  username: 'audrey',
  role: 'auditor',
  status: 'active',
  mustChangePassword: false,
  failedLogins: 0,
  lockedUntil: null,
  disabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  lastLoginAt: null,
  ...over,
});

describe('operator actions', () => {
  it('offers auditors nothing, and nobody their own account', () => {
    for (const status of ['active', 'locked', 'disabled'] as const)
      expect(operatorActionsFor(operator({ status }), 'auditor', 'ava')).toEqual([]);
    expect(operatorActionsFor(operator({}), 'admin', 'audrey')).toEqual([]);
  });

  it('offers Unlock for a locked operator and Enable only for a disabled one', () => {
    expect(operatorActionsFor(operator({}), 'admin', 'admin')).toEqual([
      'reset-password',
      'disable',
    ]);
    expect(operatorActionsFor(operator({ status: 'locked' }), 'admin', 'admin')).toEqual([
      'reset-password',
      'unlock',
      'disable',
    ]);
    expect(
      operatorActionsFor(operator({ status: 'disabled', disabled: true }), 'admin', 'admin'),
    ).toEqual(['reset-password', 'enable']);
  });

  it('confirms destructive changes with a red button and names the operator', () => {
    const text = operatorActionText('disable', operator({ role: 'admin', username: 'olga' }));
    expect(text).toMatchObject({ title: 'Disable olga?', danger: true, confirm: 'Disable' });
    expect(text.body).toContain('olga (admin)');
    expect(operatorActionText('unlock', operator({})).danger).toBe(false);
  });
});
