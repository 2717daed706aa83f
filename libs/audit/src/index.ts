export { AuditAction } from './audit-action';
export { chainHash } from './audit-chain';
export { AuditModule } from './audit.module';
export { AUDIT_HEAD_MISSING, type AuditEventInput, AuditService } from './audit.service';
export { canonicalJson } from './canonical-json';
export { type BatchOutcome, GroupCommitter } from './group-commit';
export {
  checkpointBody,
  checkpointFileInputs,
  type CheckpointInput,
  checkpointInputs,
  exportLeaves,
  leafBytes,
  leafHash,
  loadOrCreateLogKey,
  type LogKey,
  LogKeyMissingError,
  type LogVerification,
  NoteError,
  type NoteVerifier,
  openCheckpoint,
  parseVerifierKey,
  readLeafHashes,
  readTreeState,
  rootOf,
  signNote,
  type TrailVerification,
  TransparencyLogModule,
  TransparencyLogService,
  verifyLogEvidence,
  verifyTrail,
} from './log';
