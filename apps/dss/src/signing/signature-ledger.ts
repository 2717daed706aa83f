import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  AuditAction,
  AuditService,
  type BatchOutcome,
  GroupCommitter,
  leafBytes,
} from '@dss/audit';
import { TransactionRunner } from '@dss/persistence';
import { type DssMetrics, METRICS, SessionEndedError } from '@dss/common';
import { type EntityManager } from 'typeorm';
import { loginStillValid } from '../caller';
import { SignatureLedgerRepository } from './signature-ledger.repository';

/** What the audit trail records of a signature: who, which key, which digest — never the document. */
export interface SignatureRecord {
  userId: number;
  /** When the signer's session logged in: a login older than a disable or reset is refused. */
  authenticatedAt: number;
  username: string;
  keyId: string;
  /** Lowercase hex SHA-256 of the document. */
  digest: string;
  encoding: string;
  mode: 'document' | 'digest';
}

/**
 * Where a signature's audit event sits in the verifiable log (docs/AUDIT-LOG.md §4): its leaf
 * index and the leaf bytes, which name the signer, the key, the digest and the time.
 */
export interface SignatureReceipt {
  logIndex: number;
  /** Base64 of the leaf bytes (the event's canonical JSON). */
  leaf: string;
}

/** The key was deleted or retired (on any instance) before the signature could be recorded. */
export class KeyNoLongerActiveError extends Error {
  constructor(readonly keyId: string) {
    super('the key pair is no longer active');
  }
}

/**
 * Commits each signature's audit record before its response is released, in group commits: the
 * signatures that arrive while one transaction is in flight share the next. In the same
 * transaction the key rows are re-read under a shared lock, which orders every signature against
 * DeleteKeys and rotation (which take the row's exclusive lock): a signature whose key was
 * deleted or retired first is refused, never returned — whatever any in-memory cache still held.
 *
 * The unit of the group commit is a group of records that stand or fall together: one record
 * for SignDoc, all of a batch's for batch signing, so a batch is never half-audited.
 */
@Injectable()
export class SignatureLedger {
  private readonly committer: GroupCommitter<SignatureRecord[], SignatureReceipt[]>;

  constructor(
    private readonly audit: AuditService,
    runner: TransactionRunner,
    private readonly repository: SignatureLedgerRepository,
    @Optional() @Inject(METRICS) metrics?: DssMetrics,
  ) {
    // MySQL: two transactions in flight (see GroupCommitter); SQLite runs one at a time anyway.
    this.committer = new GroupCommitter(
      runner,
      (m, groups) => this.commit(m, groups),
      256,
      runner.engine === 'mysql' ? 2 : 1,
      metrics &&
        ((items, seconds) => {
          metrics.auditBatchSize.observe(items);
          metrics.auditCommitSeconds.observe(seconds);
        }),
    );
  }

  async record(item: SignatureRecord): Promise<SignatureReceipt> {
    return (await this.committer.submit([item]))[0];
  }

  /** Records every item of a batch in one transaction, or none (then it rejects). */
  recordAll(items: SignatureRecord[]): Promise<SignatureReceipt[]> {
    if (items.length === 0) return Promise.resolve([]);
    return this.committer.submit(items);
  }

  private async commit(
    m: EntityManager,
    groups: SignatureRecord[][],
  ): Promise<BatchOutcome<SignatureReceipt[]>[]> {
    const ids = [...new Set(groups.flatMap((g) => g.map((i) => i.keyId)))];
    const users = await this.repository.lockActiveKeyOwners(m, ids);
    const outcome = (i: SignatureRecord): Error | null => {
      const user = users.get(i.keyId);
      if (!user) return new KeyNoLongerActiveError(i.keyId);
      return loginStillValid(user, i) ? null : new SessionEndedError();
    };
    const errors = groups.map((g) => {
      for (const i of g) {
        const error = outcome(i);
        if (error !== null) return error;
      }
      return null;
    });
    const accepted = groups.filter((_, n) => errors[n] === null).flat();
    const events = await this.audit.append(
      m,
      accepted.map((i) => ({
        actorType: 'user' as const,
        actor: i.username,
        action: AuditAction.SignatureIssued,
        subject: i.keyId,
        details: {
          username: i.username,
          keyId: i.keyId,
          digest: i.digest,
          encoding: i.encoding,
          mode: i.mode,
        },
      })),
    );
    // The receipt is the event just written, nothing more: no tree walk on the request path
    // (the tree catches up off it, docs/AUDIT-LOG.md §1).
    let next = 0;
    return groups.map((group, n) => {
      const error = errors[n];
      if (error !== null) return { ok: false, error };
      return {
        ok: true,
        value: group.map(() => {
          const row = events[next++];
          return { logIndex: row.seq - 1, leaf: leafBytes(row).toString('base64') };
        }),
      };
    });
  }
}
