export {
  buildDataSourceOptions,
  createDataSource,
  type DatabaseEngine,
  engineOf,
  engineOfDataSource,
  openDataSource,
  type PersistenceOptions,
  resolveDataSourceOptions,
  SQLITE_FILE_NAME,
} from './data-source';
export {
  AUDIT_CHAIN_HEAD_ID,
  AUDIT_GENESIS_HASH,
  type AuditActorType,
  AuditChainHeadEntity,
  AuditEventEntity,
  CustodyCheckEntity,
  CertificateEntity,
  type CertificateKind,
  CrlEntity,
  ENTITIES,
  KEK_CHECK_NAME,
  ACCOUNT_WIDE_CLIENT,
  KeyApprovalEntity,
  type KeyApprovalKind,
  type KeyApprovalState,
  KeyPairEntity,
  LoginFailureEntity,
  OperatorEntity,
  type OperatorRole,
  OperatorSessionEntity,
  type OperatorSessionKind,
  PkiKeyEntity,
  type PkiKeyName,
  UserEntity,
} from './entities';
export { isUniqueViolation } from './errors';
export { MIGRATIONS } from './migrations';
export { TimestampSubscriber } from './timestamps.subscriber';
export { bigintTransformer } from './transformers';
export { AsyncMutex, type RowLock, TransactionRunner } from './transaction';
export { DatabaseModule } from './database.module';
