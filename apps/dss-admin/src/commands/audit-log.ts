import {
  checkpointFileInputs,
  checkpointInputs,
  type CheckpointInput,
  exportLeaves,
  loadOrCreateLogKey,
  LogKeyMissingError,
  type LogVerification,
  NoteError,
  type NoteVerifier,
  parseVerifierKey,
  type TrailVerification,
  verifyLogEvidence,
} from '@dss/audit';
import { AUDIT_HEAD_MISSING, AuditAction, verifyTrail } from '@dss/audit';
import { DomainError, ErrorCode } from '@dss/common';
import { type DssConfig, loadConfig } from '@dss/config';
import { type Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { ExitCode } from '../exit-codes';
import { type JsonFlag, jsonOption, print } from '../output';
import { ACTOR, withServices } from '../services';

/**
 * `dss-admin audit verify --checkpoint FILE…` and `dss-admin audit verify-export`: the trail
 * checked against checkpoints held outside the database (docs/AUDIT-LOG.md §6).
 */

/** Reads checkpoint files given on the command line; an unreadable or empty one is a usage error. */
export function readCheckpointFiles(files: readonly string[]): CheckpointInput[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new DomainError(
        ErrorCode.InvalidRequest,
        `cannot read checkpoint file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const inputs = checkpointInputs(text, 'given', file);
    if (inputs.length === 0)
      throw new DomainError(ErrorCode.InvalidRequest, `${file} holds no checkpoint`);
    return inputs;
  });
}

/**
 * The log's verifier: `--verifier-key`, else the log key file of this installation. Null when
 * neither exists and nothing needs it (no checkpoint given: before the server's first start).
 */
export function logVerifier(
  config: DssConfig,
  verifierKey: string | undefined,
  required = true,
): NoteVerifier | null {
  if (verifierKey !== undefined) {
    try {
      return parseVerifierKey(verifierKey);
    } catch (err) {
      throw new DomainError(
        ErrorCode.InvalidRequest,
        `--verifier-key: ${err instanceof NoteError ? err.message : String(err)}`,
      );
    }
  }
  try {
    return loadOrCreateLogKey(config.logKeyFile, config.logOrigin, false).verifier;
  } catch (err) {
    if (err instanceof LogKeyMissingError && !required) return null;
    if (err instanceof LogKeyMissingError)
      throw new DomainError(
        ErrorCode.InvalidRequest,
        `no log key at ${err.file}: give the log's verifier key with --verifier-key`,
      );
    throw err;
  }
}

/** The checkpoints to check against: the given files plus the installation's checkpoint file. */
export function checkpointsFor(
  config: DssConfig,
  files: readonly string[],
  verifier: NoteVerifier | null,
): CheckpointInput[] {
  if (verifier === null) return [];
  return [...readCheckpointFiles(files), ...checkpointFileInputs(config.checkpointFile)];
}

/** Human-readable report lines. */
export function trailReport(r: TrailVerification): string {
  if (r.valid)
    return `Audit trail intact: ${r.checkedEvents} event(s), head ${r.headHash}; consistent with ${r.log.checkpointsChecked} signed checkpoint(s), the latest of size ${r.log.latestCheckpointSize ?? 0}.`;
  const lines = [
    r.firstInvalidSeq !== null
      ? `AUDIT TRAIL BROKEN at event ${r.firstInvalidSeq} (log index ${r.firstInvalidSeq - 1}): ${r.reason}.`
      : `AUDIT TRAIL BROKEN: ${r.reason}.`,
  ];
  if (!r.chain.valid) lines.push(`  hash chain: ${r.chain.reason}`);
  for (const p of r.log.problems) lines.push(`  ${p.label}: ${p.reason}`);
  return lines.join('\n');
}

/** The JSON form of a trail verification. */
export function trailJson(r: TrailVerification): Record<string, unknown> {
  return {
    valid: r.valid,
    checkedEvents: r.checkedEvents,
    headHash: r.headHash,
    firstInvalidSeq: r.firstInvalidSeq,
    firstBadIndex: r.firstInvalidSeq === null ? null : r.firstInvalidSeq - 1,
    reason: r.reason,
    checkpointsChecked: r.log.checkpointsChecked,
    latestCheckpointSize: r.log.latestCheckpointSize,
    problems: [
      ...(r.chain.valid
        ? []
        : [{ source: 'chain', reason: r.chain.reason, firstInvalidSeq: r.chain.firstInvalidSeq }]),
      ...r.log.problems,
    ],
  };
}

/** Verifies an NDJSON export against checkpoints, with no database at all. */
export async function verifyExportFile(
  file: string,
  checkpoints: CheckpointInput[],
  verifier: NoteVerifier | null,
): Promise<LogVerification> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DomainError(
      ErrorCode.InvalidRequest,
      `cannot read export ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let parsed: ReturnType<typeof exportLeaves>;
  try {
    parsed = exportLeaves(text);
  } catch (err) {
    throw new DomainError(ErrorCode.InvalidRequest, `${file}: ${(err as Error).message}`);
  }
  return verifyLogEvidence(
    { eventLeaves: parsed.leaves, gapAtSeq: parsed.gapAtSeq },
    checkpoints,
    verifier,
  );
}

export function exportReport(r: LogVerification): string {
  if (r.valid)
    return `Export consistent: ${r.events} event(s); ${r.checkpointsChecked} signed checkpoint(s) verified, the latest of size ${r.latestCheckpointSize ?? 0}.`;
  return [
    r.firstBadIndex !== null
      ? `EXPORT DOES NOT MATCH THE LOG at event ${r.firstBadIndex + 1} (log index ${r.firstBadIndex}): ${r.reason}.`
      : `EXPORT DOES NOT MATCH THE LOG: ${r.reason}.`,
    ...r.problems.map((p) => `  ${p.label}: ${p.reason}`),
  ].join('\n');
}

interface CheckpointFlags extends JsonFlag {
  checkpoint: string[];
  verifierKey?: string;
}

/** `dss-admin audit verify|verify-export`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail');
  audit
    .command('verify')
    .description(
      'recompute the chain and the Merkle tree and check them against every signed checkpoint (the database, the checkpoint file, each --checkpoint FILE); exit 5 and name the first bad event',
    )
    .option('--checkpoint <file...>', 'checkpoint file(s) held outside the database', [])
    .option('--verifier-key <vkey>', "the log's verifier key (default: from the log key file)")
    .addOption(jsonOption())
    .action((opts: CheckpointFlags) =>
      withServices(async (s) => {
        const verifier = logVerifier(s.config, opts.verifierKey, opts.checkpoint.length > 0);
        const checkpoints = checkpointsFor(s.config, opts.checkpoint, verifier);
        const result = await verifyTrail(s.dataSource.manager, s.audit, verifier, checkpoints);
        // Without a head row nothing can be appended; the broken trail is reported below.
        if (result.chain.reason !== AUDIT_HEAD_MISSING)
          await s.audit.record({
            actorType: 'operator',
            actor: ACTOR.name,
            action: AuditAction.AuditVerified,
            details: {
              valid: result.valid,
              checkedEvents: result.checkedEvents,
              firstInvalidSeq: result.firstInvalidSeq,
              checkpoints: result.log.checkpointsChecked,
            },
          });
        print(opts, trailJson(result), trailReport(result));
        if (!result.valid) process.exitCode = ExitCode.AuditChainBroken;
      }),
    );
  audit
    .command('verify-export')
    .description(
      'check an NDJSON export (GET /api/audit/export) against signed checkpoints, offline; exit 5 and name the first bad event',
    )
    .argument('<file>', 'the NDJSON export')
    .requiredOption('--checkpoint <file...>', 'checkpoint file(s) held outside the database')
    .option('--verifier-key <vkey>', "the log's verifier key (default: from the log key file)")
    .addOption(jsonOption())
    .action(async (file: string, opts: CheckpointFlags) => {
      if (existsSync('.env')) process.loadEnvFile('.env');
      const verifier = logVerifier(loadConfig(), opts.verifierKey);
      const result = await verifyExportFile(file, readCheckpointFiles(opts.checkpoint), verifier);
      print(opts, result, exportReport(result));
      if (!result.valid) process.exitCode = ExitCode.AuditChainBroken;
    });
}
