import { AUDIT_CHAIN_HEAD_ID, AuditEventEntity, type TransactionRunner } from '@dss/persistence';
import { type EntityManager } from 'typeorm';

/** The columns of `audit_events`, in the order of each row's parameters. */
const EVENT_COLUMNS = [
  'seq',
  'at',
  'actor_type',
  'actor',
  'action',
  'subject',
  'details',
  'prev_hash',
  'hash',
] as const;
const EVENT_PLACEHOLDERS = `(${EVENT_COLUMNS.map(() => '?').join(', ')})`;

/** The chain head as read under its lock. */
export interface LockedChainHead {
  seq: number;
  hash: string;
}

/**
 * The audit chain's SQL and its dialects: the head row and the append-only `audit_events`. Raw
 * SQL with fixed statement shapes, because it runs for every signature batch while the head is
 * locked. Every method runs inside the caller's transaction.
 */
export class AuditChainRepository {
  constructor(private readonly runner: TransactionRunner) {}

  /**
   * Reads the chain head and locks it for the rest of the transaction (FOR UPDATE on MySQL;
   * SQLite's transactions are serialised), or undefined if the row is missing.
   */
  async lockHead(manager: EntityManager): Promise<LockedChainHead | undefined> {
    const q = quoter(manager);
    const [head] = await manager.query<{ seq: number | string; hash: string }[]>(
      `SELECT ${q('seq')}, ${q('hash')} FROM ${q('audit_chain_head')} WHERE ${q('id')} = ?${this.runner.lockClause()}`,
      [AUDIT_CHAIN_HEAD_ID],
    );
    return head && { seq: Number(head.seq), hash: head.hash };
  }

  /**
   * Inserts `rows` (all with the same `at`) in one multi-row INSERT and moves the head to the
   * last of them — both in one round trip on MariaDB, where every round trip made while the head
   * is locked delays every other appender. The `at` value is converted by the driver exactly as
   * an entity insert would.
   */
  async appendAndMoveHead(
    manager: EntityManager,
    rows: readonly AuditEventEntity[],
    at: Date,
  ): Promise<void> {
    const { driver } = manager.connection;
    const q = quoter(manager);
    const atColumn = manager.connection
      .getMetadata(AuditEventEntity)
      .findColumnWithPropertyName('at');
    if (!atColumn) throw new Error('audit: the audit_events.at column is not mapped');
    const atValue: unknown = driver.preparePersistentValue(at, atColumn);
    const insertParams: unknown[] = [];
    for (const row of rows) {
      insertParams.push(
        row.seq,
        atValue,
        row.actorType,
        row.actor,
        row.action,
        row.subject,
        row.details,
        row.prevHash,
        row.hash,
      );
    }
    const last = rows[rows.length - 1];
    const columns = EVENT_COLUMNS.map(q).join(', ');
    const values = rows.map(() => EVENT_PLACEHOLDERS).join(', ');
    const insert = `INSERT INTO ${q('audit_events')} (${columns}) VALUES ${values}`;
    const update = `UPDATE ${q('audit_chain_head')} SET ${q('seq')} = ?, ${q('hash')} = ? WHERE ${q('id')} = ?`;
    const updateParams = [last.seq, last.hash, AUDIT_CHAIN_HEAD_ID];
    if (manager.connection.options.type === 'mariadb') {
      // One round trip for both while the head is locked: a compound statement (MariaDB only;
      // it does not end the transaction, and a failed INSERT leaves the head as it was).
      await manager.query(`BEGIN NOT ATOMIC ${insert}; ${update}; END`, [
        ...insertParams,
        ...updateParams,
      ]);
    } else {
      await manager.query(insert, insertParams);
      await manager.query(update, updateParams);
    }
  }
}

/** Quotes an identifier for the manager's engine. */
function quoter(manager: EntityManager): (name: string) => string {
  const { driver } = manager.connection;
  return (name) => driver.escape(name);
}
