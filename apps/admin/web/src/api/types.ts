/**
 * Names for the shapes of the admin API (`/api`). Every type here is an alias into schema.d.ts,
 * which scripts/admin-api-types.js generates from the API's OpenAPI document
 * (docs/admin-openapi.json): a renamed or retyped field fails the dashboard's type check, not a
 * page in the browser. Dates are ISO 8601 strings.
 */
import { type components, type operations } from './schema';

type Schemas = components['schemas'];
/** The query parameters of an operation (all optional). */
type QueryOf<K extends keyof operations> = NonNullable<operations[K]['parameters']['query']>;

export type LoginResponse = Schemas['LoginResponseDto'];
export type CurrentOperator = Schemas['CurrentOperatorDto'];
export type SignInStatus = Schemas['SignInStatusDto'];
export type Role = CurrentOperator['role'];

/** An operator of the admin app. `status` has the users' precedence: disabled, locked, …. */
export type Operator = Schemas['OperatorDto'];
export type OperatorPage = Schemas['OperatorPageDto'];
/** A new operator's (or a reset) one-time password, in this answer only. */
export type OperatorCredential = Schemas['OperatorCredentialDto'];
/** Answer of disable, enable and unlock of an operator. */
export type OperatorChange = Schemas['OperatorChangeDto'];

export type User = Schemas['UserDto'];
export type UserPage = Schemas['UserPageDto'];
export type UserStatus = User['status'];
/** Key state of a user: no pair yet, an active pair, or the pair deleted (a new one blocked). */
export type UserKeyStatus = User['keyStatus'];
/** `GET /api/users/{username}`. */
export type UserDetail = Schemas['UserDetailDto'];
/** Answer of disable, enable and allow-new-key. */
export type UserChange = Schemas['UserChangeDto'];
export type TemporaryPassword = Schemas['TemporaryPasswordDto'];

/** A dual-control request (DSS_DUAL_CONTROL): a second administrator approves or rejects it. */
export type Approval = Schemas['ApprovalDto'];
export type ApprovalList = Schemas['ApprovalListDto'];
export type ApprovalOutcome = Schemas['ApprovalOutcomeDto'];

export type KeyPair = Schemas['KeyDto'];
export type KeyPage = Schemas['KeyPageDto'];
/** State of a key pair in the inventory. */
export type KeyStatus = KeyPair['status'];
export type KeyCertificate = Schemas['KeyCertificateDto'];

export type AuditEvent = Schemas['AuditEventDto'];
export type AuditEventPage = Schemas['AuditEventPageDto'];
export type ActorType = AuditEvent['actorType'];
/** One `key.deleted` event, checked against the key record. */
export type KeyDeletion = Schemas['KeyDeletionDto'];
export type UnrecordedDeletion = Schemas['UnrecordedDeletionDto'];
export type KeyDeletionPage = Schemas['KeyDeletionPageDto'];
export type AuditVerification = Schemas['ChainVerificationDto'];
export type IntegrityStatus = Schemas['IntegrityStatusDto'];
export type OverviewStats = Schemas['OverviewDto'];

export type UserQuery = QueryOf<'UsersController_list'>;
export type OperatorQuery = QueryOf<'OperatorsController_list'>;
export type KeyQuery = QueryOf<'KeysController_list'>;
export type AuditQuery = QueryOf<'AuditController_events'>;
/** The audited actions the API knows (`AuditAction` in libs/audit). */
export type AuditAction = NonNullable<AuditQuery['action']>;
export type KeyDeletionQuery = QueryOf<'AuditController_keyDeletions'>;
export type ExportFormat = NonNullable<QueryOf<'AuditController_export'>['format']>;

/** The user statuses in display order (the status filter's options). */
export const USER_STATUSES: readonly UserStatus[] = [
  'active',
  'must_change_password',
  'locked',
  'disabled',
];

/** The key states the inventory's status filter offers. */
export const KEY_STATUSES: readonly KeyStatus[] = ['active', 'deleted'];
