import { Injectable } from '@nestjs/common';
import { AuditAction, AuditService, type BatchOutcome, GroupCommitter } from '@dss/audit';
import { TransactionRunner } from '@dss/persistence';
import { type EntityManager } from 'typeorm';

/** What the audit trail records of a signature: who, which key, which digest — never the document. */
export interface SignatureRecord {
  username: string;
  keyId: string;
  /** Lowercase hex SHA-256 of the document. */
  digest: string;
  encoding: string;
  mode: 'document' | 'digest';
}

/** The key was deleted (on any instance) before the signature could be recorded. */
export class KeyNoLongerActiveError extends Error {
  constructor(readonly keyId: string) {
    super('the key pair is no longer active');
  }
}

/**
 * Commits each signature's audit record before its response is released, in group commits: the
 * signatures that arrive while one transaction is in flight share the next. In the same
 * transaction the key rows are re-read under a shared lock, which orders every signature against
 * DeleteKeys (which takes the row's exclusive lock): a signature whose key was deleted first is
 * refused, never returned — whatever any in-memory cache still held.
 */
@Injectable()
export class SignatureLedger {
  private readonly committer: GroupCommitter<SignatureRecord, void>;

  constructor(
    private readonly audit: AuditService,
    private readonly runner: TransactionRunner,
  ) {
    this.committer = new GroupCommitter(runner, (m, items) => this.commit(m, items));
  }

  record(item: SignatureRecord): Promise<void> {
    return this.committer.submit(item);
  }

  private async commit(m: EntityManager, items: SignatureRecord[]): Promise<BatchOutcome<void>[]> {
    const ids = [...new Set(items.map((i) => i.keyId))];
    const lock = this.runner.engine === 'mysql' ? ' LOCK IN SHARE MODE' : '';
    const placeholders = ids.map(() => '?').join(',');
    const rows: { id: string }[] = await m.query(
      `SELECT id FROM key_pairs WHERE id IN (${placeholders}) AND active_user_id IS NOT NULL${lock}`,
      ids,
    );
    const active = new Set(rows.map((r) => r.id));
    const accepted = items.filter((i) => active.has(i.keyId));
    await this.audit.append(
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
    return items.map((i) =>
      active.has(i.keyId)
        ? { ok: true, value: undefined }
        : { ok: false, error: new KeyNoLongerActiveError(i.keyId) },
    );
  }
}
