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
import {
  type AppendPrecondition,
  AuditChainRepository,
  type LockedChainHead,
} from './audit-chain.repository';
import { canonicalOf, chainHash, freshEventCanonicalJson, rememberCanonical } from './audit-chain';
import { leafHash } from './log/merkle';
import { rememberLeafHash } from './log/tree-store';
import { canonicalJson, type JsonValue } from './canonical-json';
import { type BatchOutcome, GroupCommitter } from './group-commit';

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
  /** The chain head as this process's last append left it (or will, if it commits). */
  private expectedHead: LockedChainHead | undefined;

  constructor(
    private readonly runner: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.chain = new AuditChainRepository(runner);
    const split = (
      groups: (readonly AuditEventInput[])[],
      rows: AuditEventEntity[],
    ): BatchOutcome<AuditEventEntity[]>[] => {
      let next = 0;
      return groups.map((group) => ({ ok: true, value: rows.slice(next, (next += group.length)) }));
    };
    this.grouped = new GroupCommitter(
      runner,
      async (manager, groups) => split(groups, await this.append(manager, groups.flat())),
      {
        commitInOneStatement: async (groups) => {
          const rows = await this.appendInOneTransaction(groups.flat());
          return rows && split(groups, rows);
        },
      },
    );
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
    const at = new Date(this.clock.now());
    const rows = this.chainRows(list, head, at);
    await this.chain.appendAndMoveHead(manager, rows, at);
    rememberLeaves(rows);
    return rows;
  }

  /**
   * MariaDB: appends `inputs` in a transaction of their own that is one statement, one round
   * trip ({@link AuditChainRepository.appendInOneTransaction}): the events are computed first on
   * the head this process expects (the one its previous append left, committed or still in
   * flight), and written only if the head is still that one and `precondition` holds. Resolves
   * with the events once committed; undefined when it could not be done so (another engine, no
   * expected head yet, the head moved, the precondition failed), having written nothing: the
   * caller then goes the usual way ({@link TransactionRunner.run} and {@link append}), which
   * checks everything again.
   */
  async appendInOneTransaction(
    inputs: readonly AuditEventInput[],
    precondition?: AppendPrecondition,
  ): Promise<AuditEventEntity[] | undefined> {
    const expected = this.expectedHead;
    if (inputs.length === 0 || expected === undefined || !this.runner.compoundStatements)
      return undefined;
    const at = new Date(this.clock.now());
    const rows = this.chainRows(inputs, expected, at);
    const guessed = this.expectedHead;
    const outcome = await this.chain.appendInOneTransaction(expected, rows, at, precondition);
    if (!outcome.committed) {
      // Unless another append has guessed since: that one chains on a newer head already.
      if (this.expectedHead === guessed) this.expectedHead = outcome.head;
      return undefined;
    }
    rememberLeaves(rows);
    return rows;
  }

  /**
   * The events of `list` chained on `head`, in order, each with its hash and its canonical JSON
   * remembered. Also makes their last the head the next append expects: a transaction still in
   * flight then chains on this one, and a guess proven wrong (this one rolled back, another
   * instance appended) only sends that append the usual way.
   */
  private chainRows(
    list: readonly AuditEventInput[],
    head: LockedChainHead,
    at: Date,
  ): AuditEventEntity[] {
    let { seq, hash } = head;
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
      hash = row.hash;
      return row;
    });
    this.expectedHead = { seq, hash };
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

/** Hands the leaf hashes of appended events to the tree builder (see {@link rememberLeafHash}). */
function rememberLeaves(rows: readonly AuditEventEntity[]): void {
  for (const row of rows)
    rememberLeafHash(row.hash, leafHash(Buffer.from(canonicalOf(row), 'utf8')));
}
