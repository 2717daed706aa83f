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

/**
 * What must hold for a one-statement append ({@link AuditChainRepository.appendInOneTransaction})
 * to commit: `SELECT COUNT(*) FROM <from> WHERE <where>` counts exactly `rows` rows, read under a
 * shared lock that lasts until the commit (so a concurrent change of those rows is ordered before
 * or after the whole transaction). `params` are the placeholders of `where`.
 */
export interface AppendPrecondition {
  from: string;
  where: string;
  params: unknown[];
  rows: number;
}

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
   * MariaDB only: one statement that is a whole transaction (one round trip). It checks
   * `precondition` under a shared lock on the rows it counts, locks the head, and only if the
   * precondition holds and the head is still `expected` appends `rows` (computed on it), moves
   * the head and commits; otherwise it rolls back, changes nothing and returns the head it found.
   * The head's lock is so held only while the server runs this statement and flushes the commit,
   * instead of across three round trips each waiting for the event loop: that lock section is
   * what serialises every appender of every instance (docs/PERFORMANCE.md).
   */
  async appendInOneTransaction(
    expected: LockedChainHead,
    rows: readonly AuditEventEntity[],
    at: Date,
    precondition?: AppendPrecondition,
  ): Promise<{ committed: true } | { committed: false; head: LockedChainHead | undefined }> {
    const raw = await this.runner.runTransactionStatement((manager) =>
      this.oneTransactionStatement(manager, expected, rows, at, precondition),
    );
    // mysql2 gives the block's result set, then the block's own OK packet.
    const answer = (Array.isArray(raw[0]) ? (raw[0] as unknown[])[0] : undefined) as
      { committed: number | string; seq: number | string | null; hash: string | null } | undefined;
    if (!answer) throw new Error('audit: the one-statement append returned no answer');
    if (Number(answer.committed) === 1) return { committed: true };
    return {
      committed: false,
      head:
        answer.seq === null || answer.hash === null
          ? undefined
          : { seq: Number(answer.seq), hash: answer.hash },
    };
  }

  private oneTransactionStatement(
    manager: EntityManager,
    expected: LockedChainHead,
    rows: readonly AuditEventEntity[],
    at: Date,
    precondition?: AppendPrecondition,
  ): { sql: string; parameters: unknown[] } {
    const q = quoter(manager);
    const { insert, insertParams, update, updateParams } = this.appendStatements(manager, rows, at);
    const check = precondition
      ? `SELECT COUNT(*) INTO pre_count FROM ${precondition.from} WHERE ${precondition.where} LOCK IN SHARE MODE; `
      : '';
    // Head variables stay NULL when the row is missing (zero rows fetched is only a warning
    // here): the ELSE branch then reports it missing. Any error rolls back and is re-signalled
    // with its own code (a deadlock victim is still recognised as one).
    const block =
      'BEGIN NOT ATOMIC DECLARE pre_count BIGINT DEFAULT 0; ' +
      'DECLARE head_seq BIGINT DEFAULT NULL; DECLARE head_hash VARCHAR(64) DEFAULT NULL; ' +
      'DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; ' +
      `START TRANSACTION; ${check}` +
      `SELECT ${q('seq')}, ${q('hash')} INTO head_seq, head_hash FROM ${q('audit_chain_head')} WHERE ${q('id')} = ? FOR UPDATE; ` +
      `IF pre_count = ? AND head_seq = ? AND head_hash = ? THEN ${insert}; ${update}; COMMIT; ` +
      'SELECT 1 AS committed, head_seq AS seq, head_hash AS hash; ' +
      'ELSE ROLLBACK; SELECT 0 AS committed, head_seq AS seq, head_hash AS hash; END IF; END';
    return {
      sql: block,
      parameters: [
        ...(precondition?.params ?? []),
        AUDIT_CHAIN_HEAD_ID,
        precondition?.rows ?? 0,
        expected.seq,
        expected.hash,
        ...insertParams,
        ...updateParams,
      ],
    };
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
    const { insert, insertParams, update, updateParams } = this.appendStatements(manager, rows, at);
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

  /** The INSERT of `rows` and the UPDATE of the head to the last of them, with their parameters. */
  private appendStatements(
    manager: EntityManager,
    rows: readonly AuditEventEntity[],
    at: Date,
  ): { insert: string; insertParams: unknown[]; update: string; updateParams: unknown[] } {
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
    return { insert, insertParams, update, updateParams };
  }
}

/** Quotes an identifier for the manager's engine. */
function quoter(manager: EntityManager): (name: string) => string {
  const { driver } = manager.connection;
  return (name) => driver.escape(name);
}
