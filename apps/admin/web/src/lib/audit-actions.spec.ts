import { AuditAction } from '../../../../../libs/audit/src/audit-action';
import { actionLabel, AUDIT_ACTIONS } from './audit-actions';

describe('audit action filter', () => {
  it('offers exactly the actions the server records, each once', () => {
    expect([...AUDIT_ACTIONS].sort()).toEqual(Object.values(AuditAction).sort());
  });

  it('labels known actions and shows unknown ones as recorded', () => {
    expect(actionLabel('key.deleted')).toBe('Key pair deleted');
    expect(actionLabel('future.thing')).toBe('future.thing');
  });
});
