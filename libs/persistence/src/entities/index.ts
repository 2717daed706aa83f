import { AuditChainHeadEntity } from './audit-chain-head.entity';
import { AuditEventEntity } from './audit-event.entity';
import { CustodyCheckEntity } from './custody-check.entity';
import { CertificateEntity } from './certificate.entity';
import { CrlEntity } from './crl.entity';
import { KeyApprovalEntity } from './key-approval.entity';
import { KeyPairEntity } from './key-pair.entity';
import { LoginFailureEntity } from './login-failure.entity';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorEntity } from './operator.entity';
import { PkiKeyEntity } from './pki-key.entity';
import { UserEntity } from './user.entity';

export {
  AUDIT_CHAIN_HEAD_ID,
  AUDIT_GENESIS_HASH,
  AuditChainHeadEntity,
} from './audit-chain-head.entity';
export { type AuditActorType, AuditEventEntity } from './audit-event.entity';
export { CustodyCheckEntity, KEK_CHECK_NAME } from './custody-check.entity';
export { type CertificateKind, CertificateEntity } from './certificate.entity';
export { CrlEntity } from './crl.entity';
export {
  KeyApprovalEntity,
  type KeyApprovalKind,
  type KeyApprovalState,
} from './key-approval.entity';
export { KeyPairEntity } from './key-pair.entity';
export { type PkiKeyName, PkiKeyEntity } from './pki-key.entity';
export { ACCOUNT_WIDE_CLIENT, LoginFailureEntity } from './login-failure.entity';
export { type OperatorSessionKind, OperatorSessionEntity } from './operator-session.entity';
export { type OperatorRole, OperatorEntity } from './operator.entity';
export { UserEntity } from './user.entity';

/** Every entity of the DSS schema, in the order the DataSource registers them. */
export const ENTITIES = [
  UserEntity,
  KeyPairEntity,
  AuditEventEntity,
  AuditChainHeadEntity,
  OperatorEntity,
  OperatorSessionEntity,
  CustodyCheckEntity,
  PkiKeyEntity,
  CertificateEntity,
  CrlEntity,
  LoginFailureEntity,
  KeyApprovalEntity,
] as const;
