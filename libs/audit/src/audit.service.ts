import { Inject, Injectable } from '@nestjs/common';
import { type Clock, CLOCK } from '@dss/common';
import {
  AUDIT_CHAIN_HEAD_ID,
  AUDIT_GENESIS_HASH,
  type AuditActorType,
  AuditChainHeadEntity,
  AuditEventEntity,
  TransactionRunner,
} from '@dss/persistence';
import { type EntityManager, MoreThan } from 'typeorm';
import { type AuditAction } from './audit-action';
import { chainHash, freshEventCanonicalJson, rememberCanonical } from './audit-chain';
import { leafHash } from './log/merkle';
import { rememberLeafHash } from './log/tree-store';
import { canonicalJson, type JsonValue } from './canonical-json';

/** What a caller says happened. Never secrets: no passwords, keys or documents. */
export interface AuditEventInput {
  actorType: AuditActorType;
  actor: string;
  action: AuditAction;
  subject?: string | null;
  details?: Readonly<Record<string, JsonValue | undefined>>;
}

/** The `reason` of a verification that found no chain head row. */
export const AUDIT_HEAD_MISSING = 'the audit chain head row is missing';

/** The answer of a whole-chain verification. */
export interface ChainVerification {
  valid: boolean;
  checkedEvents: number;
  /** The hash of the head the check ran up to. */
  headHash: string;
  headSeq: number;
  /** The first event whose link is broken (altered, missing or out of place), else null. */
  firstInvalidSeq: number | null;
  reason: string | null;
}

const PAGE = 1000;

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
 * The append-only, hash-chained audit trail (DESIGN.md §7). Events are appended inside the
 * transaction of the change they record, so a change and its record commit or roll back together.
 * The chain head row is locked for the rest of that transaction, which serialises `seq` across
 * transactions and across instances.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly runner: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Appends `inputs`, in order, inside the caller's transaction. Raw SQL with fixed statement
   * shapes (this runs for every signature batch): lock the head, one multi-row INSERT, move the
   * head — the last two in one round trip on MariaDB, where every round trip made while the head
   * is locked delays every other appender. The `at` value is converted by the driver exactly as
   * an entity insert would.
   */
  async append(
    manager: EntityManager,
    inputs: AuditEventInput | readonly AuditEventInput[],
  ): Promise<AuditEventEntity[]> {
    const list = Array.isArray(inputs)
      ? (inputs as readonly AuditEventInput[])
      : [inputs as AuditEventInput];
    if (list.length === 0) return [];
    const { driver } = manager.connection;
    const q = (name: string): string => driver.escape(name);
    const [head] = await manager.query<{ seq: number | string; hash: string }[]>(
      `SELECT ${q('seq')}, ${q('hash')} FROM ${q('audit_chain_head')} WHERE ${q('id')} = ?${this.runner.lockClause()}`,
      [AUDIT_CHAIN_HEAD_ID],
    );
    if (!head) throw new Error('audit: the chain head row is missing (migrations not applied?)');
    let seq = Number(head.seq);
    let { hash } = head;
    const at = new Date(this.clock.now());
    const atColumn = manager.connection
      .getMetadata(AuditEventEntity)
      .findColumnWithPropertyName('at');
    if (!atColumn) throw new Error('audit: the audit_events.at column is not mapped');
    const atValue: unknown = driver.preparePersistentValue(at, atColumn);
    const insertParams: unknown[] = [];
    const rows = list.map((input) => {
      seq += 1;
      const row = Object.assign(new AuditEventEntity(), {
        seq,
        at,
        actorType: input.actorType,
        actor: input.actor,
        action: input.action,
        subject: input.subject ?? null,
        details: canonicalJson(input.details ?? {}),
        prevHash: hash,
      });
      const canonical = freshEventCanonicalJson(row);
      row.hash = chainHash(hash, row, canonical);
      rememberCanonical(row, canonical);
      rememberLeafHash(row.hash, leafHash(Buffer.from(canonical, 'utf8')));
      hash = row.hash;
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
      return row;
    });
    const columns = EVENT_COLUMNS.map(q).join(', ');
    const values = rows.map(() => EVENT_PLACEHOLDERS).join(', ');
    const insert = `INSERT INTO ${q('audit_events')} (${columns}) VALUES ${values}`;
    const update = `UPDATE ${q('audit_chain_head')} SET ${q('seq')} = ?, ${q('hash')} = ? WHERE ${q('id')} = ?`;
    const updateParams = [seq, hash, AUDIT_CHAIN_HEAD_ID];
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
    return rows;
  }

  /** Appends in a transaction of its own (for events that change nothing else). */
  record(inputs: AuditEventInput | readonly AuditEventInput[]): Promise<AuditEventEntity[]> {
    return this.runner.run((manager) => this.append(manager, inputs));
  }

  /**
   * Recomputes the whole chain, oldest first, up to the head as it stood when the check began,
   * a page at a time. Names the first event that is altered, missing, or out of place.
   */
  async verify(manager: EntityManager): Promise<ChainVerification> {
    const head = await manager.findOne(AuditChainHeadEntity, {
      where: { id: AUDIT_CHAIN_HEAD_ID },
    });
    // Deleted or never created: nothing can be checked against it, and nothing appended. A
    // deleted head row is tampering too: say so, never throw a stack trace at the auditor.
    if (!head) {
      return {
        valid: false,
        checkedEvents: 0,
        headHash: '',
        headSeq: 0,
        firstInvalidSeq: 1,
        reason: AUDIT_HEAD_MISSING,
      };
    }
    let expectedSeq = 1;
    let prevHash = AUDIT_GENESIS_HASH;
    const fail = (seq: number, reason: string): ChainVerification => ({
      valid: false,
      checkedEvents: seq - 1,
      headHash: head.hash,
      headSeq: head.seq,
      firstInvalidSeq: seq,
      reason,
    });
    while (expectedSeq <= head.seq) {
      const page = await manager.find(AuditEventEntity, {
        where: { seq: MoreThan(expectedSeq - 1) },
        order: { seq: 'ASC' },
        take: Math.min(PAGE, head.seq - expectedSeq + 1),
      });
      if (page.length === 0) return fail(expectedSeq, 'event missing');
      for (const event of page) {
        if (event.seq > head.seq) break;
        if (event.seq !== expectedSeq) return fail(expectedSeq, 'event missing');
        if (event.prevHash !== prevHash)
          return fail(event.seq, 'prev_hash does not match the previous event');
        let recomputed: string;
        try {
          recomputed = chainHash(prevHash, event);
        } catch {
          return fail(event.seq, 'details are not valid JSON');
        }
        if (recomputed !== event.hash) return fail(event.seq, 'hash does not match the event');
        prevHash = event.hash;
        expectedSeq += 1;
      }
    }
    if (prevHash !== head.hash)
      return fail(head.seq, 'the chain head does not match the last event');
    return {
      valid: true,
      checkedEvents: head.seq,
      headHash: head.hash,
      headSeq: head.seq,
      firstInvalidSeq: null,
      reason: null,
    };
  }
}
