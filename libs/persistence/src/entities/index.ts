import { AuditChainHeadEntity } from './audit-chain-head.entity';
import { AuditEventEntity } from './audit-event.entity';
import { CustodyCheckEntity } from './custody-check.entity';
import { KeyPairEntity } from './key-pair.entity';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorEntity } from './operator.entity';
import { UserEntity } from './user.entity';

export {
  AUDIT_CHAIN_HEAD_ID,
  AUDIT_GENESIS_HASH,
  AuditChainHeadEntity,
} from './audit-chain-head.entity';
export { type AuditActorType, AuditEventEntity } from './audit-event.entity';
export { CustodyCheckEntity, KEK_CHECK_NAME } from './custody-check.entity';
export { KeyPairEntity } from './key-pair.entity';
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
] as const;
