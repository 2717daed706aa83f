import { AuditChainHeadEntity } from './audit-chain-head.entity';
import { AuditEventEntity } from './audit-event.entity';
import { KeyPairEntity } from './key-pair.entity';
import { LoginFailureEntity } from './login-failure.entity';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorEntity } from './operator.entity';
import { UserEntity } from './user.entity';

export {
  AUDIT_CHAIN_HEAD_ID,
  AUDIT_GENESIS_HASH,
  AuditChainHeadEntity,
} from './audit-chain-head.entity';
export { type AuditActorType, AuditEventEntity } from './audit-event.entity';
export { KeyPairEntity } from './key-pair.entity';
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
  LoginFailureEntity,
] as const;
