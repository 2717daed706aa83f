import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@dss/persistence';
import { type EntityManager } from 'typeorm';

/** What the ledger re-checks of a signing key's owner before recording a signature. */
export interface SigningKeyOwner {
  disabledAt: Date | null;
  sessionsValidAfter: Date | null;
}

/** The signature ledger's SQL and its dialects. */
@Injectable()
export class SignatureLedgerRepository {
  constructor(private readonly runner: TransactionRunner) {}

  /**
   * The owners of those of `keyIds` that are still active, by key id, read inside the caller's
   * transaction under a shared lock on the key rows on MySQL (DeleteKeys and rotation take their
   * exclusive lock); SQLite's transactions are serialised. One raw statement: it runs for every
   * group commit of signatures.
   */
  async lockActiveKeyOwners(
    m: EntityManager,
    keyIds: string[],
  ): Promise<Map<string, SigningKeyOwner>> {
    const lock = this.runner.engine === 'mysql' ? ' LOCK IN SHARE MODE' : '';
    const placeholders = keyIds.map(() => '?').join(',');
    const rows = await m.query<
      { id: string; disabled_at: unknown; sessions_valid_after: unknown }[]
    >(
      `SELECT k.id, u.disabled_at, u.sessions_valid_after FROM key_pairs k JOIN users u ON u.id = k.user_id
        WHERE k.id IN (${placeholders}) AND k.active_user_id IS NOT NULL${lock}`,
      keyIds,
    );
    return new Map(
      rows.map((r) => [
        r.id,
        { disabledAt: toDate(r.disabled_at), sessionsValidAfter: toDate(r.sessions_valid_after) },
      ]),
    );
  }
}

/** A datetime column read by a raw query: a Date from mysql2, UTC text from SQLite, or NULL. */
function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  // Fail closed: a value we cannot read must not pass for "never revoked".
  if (typeof value !== 'string') throw new TypeError('unexpected datetime value from the database');
  const text = value;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}
