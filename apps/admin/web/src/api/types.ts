/**
 * Shapes of the admin API (`/api`), as published in its OpenAPI document
 * (docs/admin-openapi.json). Dates are ISO 8601 strings.
 */

export type Role = 'admin' | 'auditor';

export type UserStatus = 'active' | 'must_change_password' | 'locked' | 'disabled';

export const USER_STATUSES: readonly UserStatus[] = [
  'active',
  'must_change_password',
  'locked',
  'disabled',
];

/** State of a key pair in the inventory. */
export type KeyStatus = 'active' | 'deleted';

export const KEY_STATUSES: readonly KeyStatus[] = ['active', 'deleted'];

/** Key state of a user: no pair yet, an active pair, or the pair deleted (a new one blocked). */
export type UserKeyStatus = 'none' | 'active' | 'deleted';

export interface LoginResponse {
  username: string;
  role: Role;
  mustChangePassword: boolean;
  session: 'bearer' | 'cookie';
  accessToken?: string;
  csrfToken?: string;
  expiresIn: number;
  expiresAt: string;
  idleTimeoutSeconds: number;
}

/** `GET /api/auth/me`. */
export interface CurrentOperator {
  username: string;
  role: Role;
  session: 'bearer' | 'cookie';
  expiresAt: string;
}

/** `GET /api/auth/sign-in-status` (public). */
export interface SignInStatus {
  /** The first-start `admin` has never signed in: the sign-in page says where its password is. */
  bootstrapAdminPending: boolean;
}

/** An operator of the admin app. `status` has the users' precedence: disabled, locked, …. */
export interface Operator {
  username: string;
  role: Role;
  status: UserStatus;
  mustChangePassword: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

/** A new operator's (or a reset) one-time password, in this answer only. */
export interface OperatorCredential {
  username: string;
  role: Role;
  temporaryPassword: string;
  temporaryPasswordExpiresAt: string;
}

/** Answer of disable, enable and unlock of an operator. */
export interface OperatorChange {
  changed: boolean;
  revokedSessions: number;
  operator: Operator;
}

export interface User {
  username: string;
  status: UserStatus;
  mustChangePassword: boolean;
  temporaryPasswordExpiresAt: string | null;
  failedLogins: number;
  lockedUntil: string | null;
  disabled: boolean;
  keyCreationBlocked: boolean;
  keyStatus: UserKeyStatus;
  createdAt: string;
  updatedAt: string;
}

/** `GET /api/users/{username}`. */
export interface UserDetail extends User {
  activeKey: { keyId: string; algorithm: string; fingerprint: string; createdAt: string } | null;
  deletedKeys: number;
}

/** Answer of disable, enable and allow-new-key. */
export interface UserChange {
  /** False when the user already was so. */
  changed: boolean;
  user: UserDetail;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface TemporaryPassword {
  username: string;
  temporaryPassword: string;
  temporaryPasswordExpiresAt: string;
}

/** A dual-control request (DSS_DUAL_CONTROL): a second administrator approves or rejects it. */
export interface Approval {
  id: string;
  kind: 'cancel_deletion' | 'allow_new_key';
  username: string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface KeyPair {
  username: string;
  keyId: string;
  algorithm: string;
  fingerprint: string;
  createdAt: string;
  deletedAt: string | null;
  status: KeyStatus;
  kekId: string | null;
  /** The X.509 certificate the DSS CA issued for the pair; null for pairs made before it. */
  certificate: KeyCertificate | null;
}

export interface KeyCertificate {
  serial: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  /** On the CRL from this time; null while valid. */
  revokedAt: string | null;
}

export type ActorType = 'user' | 'operator' | 'system';

export interface AuditEvent {
  seq: number;
  at: string;
  actorType: ActorType;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /** False when the row fails verification (chain hash, Merkle leaf, or after a failed check). */
  verified: boolean;
  integrityProblem: string | null;
}

export interface AuditEventPage {
  items: AuditEvent[];
  /** Pass as `after` for the next page; null at the end. */
  nextCursor: number | null;
}

/** One `key.deleted` event, checked against the key record. */
export interface KeyDeletion {
  seq: number;
  deletedAt: string;
  username: string;
  keyId: string;
  fingerprint: string;
  deletedBy: string;
  deletedByType: ActorType;
  newKeyAllowed: boolean;
  allowedAt: string | null;
  allowedBy: string | null;
  allowedSeq: number | null;
  recordDeletedAt: string | null;
  consistent: boolean;
  verified: boolean;
  integrityProblem: string | null;
  /** Deleted by the key's owner or by an operator. */
  actorAuthorized: boolean;
}

export interface UnrecordedDeletion {
  username: string;
  keyId: string;
  fingerprint: string;
  deletedAt: string | null;
}

export interface KeyDeletionPage extends Page<KeyDeletion> {
  /** Key records marked deleted without a `key.deleted` event (normally none). */
  unrecorded: UnrecordedDeletion[];
}

export interface AuditVerification {
  valid: boolean;
  checkedEvents: number;
  headHash: string;
  headSeq: number;
  firstInvalidSeq: number | null;
  reason: string | null;
  firstBadIndex: number | null;
  checkpointsChecked: number;
  latestCheckpointSize: number | null;
  /** The latest signed checkpoint (C2SP tlog-checkpoint note), to save outside. */
  latestCheckpoint: string | null;
  problems: {
    source: string;
    label: string;
    size: number | null;
    firstBadIndex: number | null;
    reason: string;
  }[];
}

export interface IntegrityStatus {
  lastVerification: {
    valid: boolean;
    at: string;
    by: string;
    firstInvalidSeq: number | null;
  } | null;
}

export interface OverviewStats {
  usersByStatus: Record<UserStatus, number>;
  activeKeys: number;
  signaturesLast24h: number;
  deletionsLast30d: number;
  signaturesPerDay: { day: string; count: number }[];
}

export interface UserQuery {
  search?: string;
  status?: UserStatus;
  offset?: number;
  limit?: number;
}

export interface KeyQuery {
  status?: KeyStatus;
  username?: string;
  offset?: number;
  limit?: number;
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  actorType?: ActorType;
  subject?: string;
  from?: string;
  to?: string;
  /** The `nextCursor` of the previous page. */
  after?: number;
  limit?: number;
  order?: 'asc' | 'desc';
  /** Include the operator's own `audit.read` events (hidden by default). */
  includeOwnReads?: 'true';
}

export interface KeyDeletionQuery {
  username?: string;
  keyId?: string;
  from?: string;
  to?: string;
  offset?: number;
  limit?: number;
}

export type ExportFormat = 'ndjson' | 'csv';
