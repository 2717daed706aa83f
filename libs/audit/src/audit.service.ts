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
import { AuditChainRepository } from './audit-chain.repository';
import { chainHash, freshEventCanonicalJson, rememberCanonical } from './audit-chain';
import { leafHash } from './log/merkle';
import { rememberLeafHash } from './log/tree-store';
import { canonicalJson, type JsonValue } from './canonical-json';
import { GroupCommitter } from './group-commit';

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

/**
 * The append-only, hash-chained audit trail (DESIGN.md §7). Events are appended inside the
 * transaction of the change they record, so a change and its record commit or roll back together.
 * The chain head row is locked for the rest of that transaction, which serialises `seq` across
 * transactions and across instances.
 */
@Injectable()
export class AuditService {
  private readonly chain: AuditChainRepository;
  /** {@link record}'s group commit: concurrent callers share one transaction. */
  private readonly grouped: GroupCommitter<readonly AuditEventInput[], AuditEventEntity[]>;

  constructor(
    private readonly runner: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.chain = new AuditChainRepository(runner);
    this.grouped = new GroupCommitter(runner, async (manager, groups) => {
      const rows = await this.append(manager, groups.flat());
      let next = 0;
      return groups.map((group) => ({ ok: true, value: rows.slice(next, (next += group.length)) }));
    });
  }

  /**
   * Appends `inputs`, in order, inside the caller's transaction: lock the head, compute the
   * events' hashes, write them and move the head ({@link AuditChainRepository}).
   */
  async append(
    manager: EntityManager,
    inputs: AuditEventInput | readonly AuditEventInput[],
  ): Promise<AuditEventEntity[]> {
    const list = Array.isArray(inputs)
      ? (inputs as readonly AuditEventInput[])
      : [inputs as AuditEventInput];
    if (list.length === 0) return [];
    const head = await this.chain.lockHead(manager);
    if (!head) throw new Error('audit: the chain head row is missing (migrations not applied?)');
    let { seq, hash } = head;
    const at = new Date(this.clock.now());
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
      return row;
    });
    await this.chain.appendAndMoveHead(manager, rows, at);
    return rows;
  }

  /**
   * Appends events that change nothing else (a timestamp issued, a trail read), durable when the
   * promise resolves. Calls made while a transaction is in flight share the next one (group
   * commit), so a busy time-stamping authority does not queue one transaction per token behind the
   * chain head's lock. A failed transaction rejects every call it held; none is half-written.
   */
  record(inputs: AuditEventInput | readonly AuditEventInput[]): Promise<AuditEventEntity[]> {
    const list = Array.isArray(inputs)
      ? (inputs as readonly AuditEventInput[])
      : [inputs as AuditEventInput];
    if (list.length === 0) return Promise.resolve([]);
    return this.grouped.submit(list);
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
