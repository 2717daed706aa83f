import { existsSync, readFileSync } from 'node:fs';
import { type EntityManager } from 'typeorm';
import { type AuditService, type ChainVerification } from '../audit.service';
import {
  type CheckpointInput,
  type CheckpointSource,
  type LogVerification,
  verifyDatabaseLog,
} from './log-verifier';
import { type NoteVerifier, splitNotes } from './note';

/** The hash chain and the Merkle log, checked together (docs/AUDIT-LOG.md §6). */
export interface TrailVerification {
  valid: boolean;
  checkedEvents: number;
  headSeq: number;
  headHash: string;
  /** The first bad event (seq) found by either check, or null. */
  firstInvalidSeq: number | null;
  reason: string | null;
  chain: ChainVerification;
  log: LogVerification;
}

/** Splits a text holding one or more signed checkpoints into inputs for the verifier. */
export function checkpointInputs(
  text: string,
  source: CheckpointSource,
  label: string,
): CheckpointInput[] {
  return splitNotes(text).map((note, i, all) => ({
    source,
    label: all.length > 1 ? `${label} #${i + 1}` : label,
    note,
  }));
}

/** The operators' checkpoint file, when it exists and is readable. */
export function checkpointFileInputs(file: string): CheckpointInput[] {
  if (!existsSync(file)) return [];
  try {
    return checkpointInputs(readFileSync(file, 'utf8'), 'file', file);
  } catch {
    return [];
  }
}

/** Runs both checks; the first bad event is the earlier of the two. */
export async function verifyTrail(
  m: EntityManager,
  audit: AuditService,
  verifier: NoteVerifier | null,
  checkpoints: readonly CheckpointInput[],
): Promise<TrailVerification> {
  const chain = await audit.verify(m);
  const log = await verifyDatabaseLog(m, verifier, checkpoints);
  const seqs = [
    chain.firstInvalidSeq,
    log.firstBadIndex === null ? null : log.firstBadIndex + 1,
  ].filter((s): s is number => s !== null);
  const firstInvalidSeq = seqs.length > 0 ? Math.min(...seqs) : null;
  const reason =
    chain.valid && log.valid
      ? null
      : chain.firstInvalidSeq !== null && chain.firstInvalidSeq === firstInvalidSeq
        ? chain.reason
        : (log.reason ?? chain.reason);
  return {
    valid: chain.valid && log.valid,
    // Events that verified, in order from seq 1.
    checkedEvents: firstInvalidSeq === null ? chain.checkedEvents : firstInvalidSeq - 1,
    headSeq: chain.headSeq,
    headHash: chain.headHash,
    firstInvalidSeq,
    reason,
    chain,
    log,
  };
}
