import { type AuditAction } from '../api/types';

/**
 * The audited actions (`AuditAction` in libs/audit), grouped and labelled for the action filter.
 * A unit test keeps this list equal to the server's: a new action needs its label here.
 */
export interface ActionGroup {
  label: string;
  actions: readonly { value: AuditAction; label: string }[];
}

export const AUDIT_ACTION_GROUPS: readonly ActionGroup[] = [
  {
    label: 'Keys and signatures',
    actions: [
      { value: 'key.created', label: 'Key pair created' },
      { value: 'key.deleted', label: 'Key pair deleted' },
      { value: 'key.rotated', label: 'Key pair rotated' },
      { value: 'key.deletion_scheduled', label: 'Key deletion scheduled' },
      { value: 'key.deletion_cancelled', label: 'Key deletion cancelled' },
      { value: 'approval.requested', label: 'Approval requested' },
      { value: 'approval.approved', label: 'Approval granted' },
      { value: 'approval.rejected', label: 'Approval rejected' },
      { value: 'signature.issued', label: 'Signature issued' },
    ],
  },
  {
    label: 'Certificates and timestamps',
    actions: [
      { value: 'pki.ca_created', label: 'Certificate authority created' },
      { value: 'pki.ca_certificate_imported', label: 'CA certificate imported' },
      { value: 'pki.certificate_issued', label: 'Certificate issued' },
      { value: 'pki.certificate_revoked', label: 'Certificate revoked' },
      { value: 'pki.crl_issued', label: 'CRL issued' },
      { value: 'pki.timestamp_issued', label: 'Timestamp issued' },
    ],
  },
  {
    label: 'User accounts',
    actions: [
      { value: 'user.registered', label: 'User registered' },
      { value: 'user.password_reset', label: 'User password reset' },
      { value: 'user.disabled', label: 'User disabled' },
      { value: 'user.enabled', label: 'User enabled' },
      { value: 'user.key_creation_allowed', label: 'New key allowed' },
      { value: 'user.listed', label: 'Users listed' },
      { value: 'user.unlocked', label: 'User unlocked' },
    ],
  },
  {
    label: 'User sign-ins',
    actions: [
      { value: 'auth.login_succeeded', label: 'Login succeeded' },
      { value: 'auth.login_failed', label: 'Login failed' },
      { value: 'auth.account_locked', label: 'Account locked' },
      { value: 'auth.password_changed', label: 'Password changed' },
      { value: 'auth.logout', label: 'Logout' },
    ],
  },
  {
    label: 'Operators',
    actions: [
      { value: 'operator.created', label: 'Operator created' },
      { value: 'operator.login_succeeded', label: 'Operator login succeeded' },
      { value: 'operator.login_failed', label: 'Operator login failed' },
      { value: 'operator.locked', label: 'Operator locked' },
      { value: 'operator.password_changed', label: 'Operator password changed' },
      { value: 'operator.password_reset', label: 'Operator password reset' },
      { value: 'operator.disabled', label: 'Operator disabled' },
      { value: 'operator.enabled', label: 'Operator enabled' },
      { value: 'operator.logout', label: 'Operator logout' },
      { value: 'operator.listed', label: 'Operators listed' },
      { value: 'operator.unlocked', label: 'Operator unlocked' },
    ],
  },
  {
    label: 'Audit and key custody',
    actions: [
      { value: 'audit.read', label: 'Audit trail read' },
      { value: 'audit.exported', label: 'Audit trail exported' },
      { value: 'audit.verified', label: 'Audit chain verified' },
      { value: 'keystore.master_key_rotated', label: 'Master key rotated' },
      { value: 'keystore.keys_rewrapped', label: 'Keys re-wrapped' },
      { value: 'keystore.status_read', label: 'Master key status read' },
    ],
  },
];

const LABELS = new Map<string, string>(
  AUDIT_ACTION_GROUPS.flatMap((group) => group.actions.map((a) => [a.value, a.label] as const)),
);

/** Every action value, in display order. */
export const AUDIT_ACTIONS: readonly AuditAction[] = AUDIT_ACTION_GROUPS.flatMap((group) =>
  group.actions.map((a) => a.value),
);

/** Whether a filter value (from the page URL) is an action the API knows. */
export function isAuditAction(value: string): value is AuditAction {
  return LABELS.has(value);
}

/** The label of an action; an action this build does not know is shown as recorded. */
export function actionLabel(action: string): string {
  return LABELS.get(action) ?? action;
}
