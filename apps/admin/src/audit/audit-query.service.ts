import { Inject, Injectable } from '@nestjs/common';
import { normalizeUsername } from '@dss/accounts';
import {
  AuditAction,
  AuditService,
  chainHash,
  checkpointFileInputs,
  checkpointInputs,
  loadOrCreateLogKey,
  leafBytes,
  leafHash,
  LogKeyMissingError,
  type NoteVerifier,
  openCheckpoint,
  readLeafHashes,
  verifyTrail,
} from '@dss/audit';
import { DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import {
  AUDIT_CHAIN_HEAD_ID,
  AuditChainHeadEntity,
  AuditEventEntity,
  KeyPairEntity,
} from '@dss/persistence';
import { type Response } from 'express';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { type OperatorContext } from '../common/operator-context';
import { isoOrNull, pageOf } from '../common/page.dto';
import { csvRow } from './csv';
import {
  type AuditEventDto,
  type AuditEventPageDto,
  type ChainVerificationDto,
  DEFAULT_EVENTS_LIMIT,
  type ExportFormat,
  type IntegrityStatusDto,
  type KeyDeletionDto,
  type KeyDeletionPageDto,
  type ListAuditEventsQueryDto,
  type ListKeyDeletionsQueryDto,
  type UnrecordedDeletionDto,
} from './dto/audit.dto';

/** Events read per query while exporting. */
const EXPORT_PAGE = 500;
/** Most key records listed as deleted without an event. */
const MAX_UNRECORDED = 100;
const CSV_HEADER = [
  'seq',
  'at',
  'actorType',
  'actor',
  'action',
  'subject',
  'details',
  'prevHash',
  'hash',
] as const;

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    // An edited row may hold anything; `verify` names it, the listing still shows it.
    return { unparsable: text };
  }
}

/** Whether a row passes verification, and why not. */
type Integrity = (e: AuditEventEntity) => { verified: boolean; integrityProblem: string | null };

function toEventDto(e: AuditEventEntity, integrity?: Integrity): AuditEventDto {
  return {
    ...(integrity ? integrity(e) : { verified: true, integrityProblem: null }),
    seq: e.seq,
    at: e.at.toISOString(),
    actorType: e.actorType,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    details: parseDetails(e.details),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** A string member of event details, or '' when absent or not a string. */
function textOf(details: Record<string, unknown>, key: string): string {
  const value = details[key];
  return typeof value === 'string' ? value : '';
}

/** `%"key":"value"%` for a LIKE over canonical JSON details, wildcards escaped with `!`. */
function detailsContains(key: string, value: string): string {
  const escape = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);
  return `%${escape(JSON.stringify(key))}:${escape(JSON.stringify(value))}%`;
}

function timeRange<T extends object>(
  qb: SelectQueryBuilder<T>,
  column: string,
  from: string | undefined,
  to: string | undefined,
): void {
  if (from !== undefined) qb.andWhere(`${column} >= :from`, { from: new Date(from) });
  if (to !== undefined) qb.andWhere(`${column} <= :to`, { to: new Date(to) });
}

/** Resolves when `res` can take more data, or has closed. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Audit queries for auditors (DESIGN.md §7): events with filters and a cursor, key deletions and
 * who allowed a new key after each, chain verification, and a streaming export. Reading, verifying
 * and exporting the trail are themselves audited, with the operator as actor.
 */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
  ) {}

  async events(query: ListAuditEventsQueryDto, by: OperatorContext): Promise<AuditEventPageDto> {
    const limit = query.limit ?? DEFAULT_EVENTS_LIMIT;
    const order = query.order ?? 'asc';
    await this.recordRead(by, 'events', {
      action: query.action,
      actor: query.actor,
      actorType: query.actorType,
      subject: query.subject,
      from: query.from,
      to: query.to,
      after: query.after,
      order,
      limit,
    });
    const qb = this.ds.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (query.action !== undefined) qb.andWhere('e.action = :action', { action: query.action });
    if (query.actor !== undefined) qb.andWhere('e.actor = :actor', { actor: query.actor });
    if (query.actorType !== undefined)
      qb.andWhere('e.actorType = :actorType', { actorType: query.actorType });
    if (query.subject !== undefined)
      qb.andWhere('e.subject = :subject', { subject: query.subject });
    timeRange(qb, 'e.at', query.from, query.to);
    if (query.includeOwnReads !== 'true')
      qb.andWhere(
        'NOT (e.action = :readAction AND e.actorType = :operatorType AND e.actor = :self)',
        { readAction: AuditAction.AuditRead, operatorType: 'operator', self: by.username },
      );
    if (query.after !== undefined)
      qb.andWhere(order === 'asc' ? 'e.seq > :after' : 'e.seq < :after', { after: query.after });
    // One extra row tells whether there is a next page.
    const rows = await qb
      .orderBy('e.seq', order === 'asc' ? 'ASC' : 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const integrity = await this.integrityOf(page);
    return {
      items: page.map((e) => toEventDto(e, integrity)),
      nextCursor: rows.length > limit ? page[page.length - 1].seq : null,
    };
  }

  /**
   * Every `key.deleted` event, newest first, with the first `user.key_creation_allowed` for that
   * user after it, cross-checked against the key record; plus key records marked deleted that
   * have no event at all.
   */
  async keyDeletions(
    query: ListKeyDeletionsQueryDto,
    by: OperatorContext,
  ): Promise<KeyDeletionPageDto> {
    const page = pageOf(query);
    const username = query.username === undefined ? undefined : normalizeUsername(query.username);
    await this.recordRead(by, 'key-deletions', {
      username,
      keyId: query.keyId,
      from: query.from,
      to: query.to,
      ...page,
    });
    const qb = this.ds
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.action = :deleted', { deleted: AuditAction.KeyDeleted });
    if (username !== undefined)
      qb.andWhere("e.details LIKE :user ESCAPE '!'", {
        user: detailsContains('username', username),
      });
    if (query.keyId !== undefined) qb.andWhere('e.subject = :keyId', { keyId: query.keyId });
    timeRange(qb, 'e.at', query.from, query.to);
    const [events, total] = await qb
      .orderBy('e.seq', 'DESC')
      .skip(page.offset)
      .take(page.limit)
      .getManyAndCount();

    const deletions = events.map((e) => ({ event: e, details: parseDetails(e.details) }));
    const names = [...new Set(deletions.map((d) => textOf(d.details, 'username')))];
    const keyIds = events.map((e) => e.subject ?? '').filter((id) => id !== '');
    const allows =
      events.length === 0
        ? []
        : await this.ds
            .getRepository(AuditEventEntity)
            .createQueryBuilder('e')
            .where('e.action = :allowed', { allowed: AuditAction.UserKeyCreationAllowed })
            .andWhere('e.subject IN (:...names)', { names })
            .andWhere('e.seq > :first', { first: Math.min(...events.map((e) => e.seq)) })
            .orderBy('e.seq', 'ASC')
            .getMany();
    const records =
      keyIds.length === 0
        ? []
        : await this.ds
            .getRepository(KeyPairEntity)
            .createQueryBuilder('k')
            .innerJoinAndSelect('k.user', 'u')
            .where('k.id IN (:...keyIds)', { keyIds })
            .getMany();
    const recordOf = new Map(records.map((r) => [r.id, r]));
    const integrity = await this.integrityOf(events);

    const items = deletions.map(({ event, details }): KeyDeletionDto => {
      const name = textOf(details, 'username');
      // An idempotent "allow" (nothing was blocked) allowed nothing.
      const allow = allows.find(
        (a) => a.subject === name && a.seq > event.seq && parseDetails(a.details).changed !== false,
      );
      const record = recordOf.get(event.subject ?? '');
      return {
        seq: event.seq,
        deletedAt: event.at.toISOString(),
        username: name,
        keyId: event.subject ?? '',
        fingerprint: textOf(details, 'fingerprint'),
        deletedBy: event.actor,
        deletedByType: event.actorType,
        newKeyAllowed: allow !== undefined,
        allowedAt: allow ? allow.at.toISOString() : null,
        allowedBy: allow ? allow.actor : null,
        allowedSeq: allow ? allow.seq : null,
        recordDeletedAt: record?.deleted ? isoOrNull(record.deletedAt) : null,
        consistent: record !== undefined && record.deleted && record.user?.username === name,
        ...integrity(event),
        actorAuthorized:
          event.actorType === 'operator' ||
          (event.actorType === 'user' && event.actor === name && record?.user?.username === name),
      };
    });
    return { items, total, ...page, unrecorded: await this.unrecorded(username) };
  }

  /**
   * Recomputes the chain and the Merkle tree and checks them against every signed checkpoint
   * (database, checkpoint file, and `checkpoint` when given); audited as `audit.verified`.
   */
  async verify(by: OperatorContext, checkpoint?: string): Promise<ChainVerificationDto> {
    const verifier = this.logVerifier();
    const given =
      checkpoint === undefined ? [] : checkpointInputs(checkpoint, 'given', 'given checkpoint');
    if (checkpoint !== undefined) {
      if (given.length === 0)
        throw new DomainError(ErrorCode.InvalidCheckpoint, 'checkpoint holds no signed checkpoint');
      if (verifier === null)
        throw new DomainError(
          ErrorCode.InvalidCheckpoint,
          'no log key to check the checkpoint with',
        );
      for (const c of given) {
        try {
          openCheckpoint(c.note, verifier);
        } catch (err) {
          throw new DomainError(
            ErrorCode.InvalidCheckpoint,
            `the checkpoint does not verify: ${err instanceof Error ? err.message : 'malformed'}`,
          );
        }
      }
    }
    const file = verifier === null ? [] : checkpointFileInputs(this.config.checkpointFile);
    const r = await verifyTrail(this.ds.manager, this.audit, verifier, [...given, ...file]);
    await this.audit.record({
      actorType: 'operator',
      actor: by.username,
      action: AuditAction.AuditVerified,
      details: {
        valid: r.valid,
        checkedEvents: r.checkedEvents,
        headSeq: r.headSeq,
        firstInvalidSeq: r.firstInvalidSeq,
        checkpoints: r.log.checkpointsChecked,
      },
    });
    const [latest] =
      verifier === null
        ? []
        : await this.ds.query<{ note: string }[]>(
            'SELECT note FROM audit_log_checkpoints ORDER BY size DESC LIMIT 1',
          );
    return {
      valid: r.valid,
      checkedEvents: r.checkedEvents,
      headHash: r.headHash,
      headSeq: r.headSeq,
      firstInvalidSeq: r.firstInvalidSeq,
      reason: r.reason,
      firstBadIndex: r.firstInvalidSeq === null ? null : r.firstInvalidSeq - 1,
      checkpointsChecked: r.log.checkpointsChecked,
      latestCheckpointSize: r.log.latestCheckpointSize,
      latestCheckpoint: latest?.note ?? null,
      problems: [
        ...(r.chain.valid
          ? []
          : [
              {
                source: 'chain',
                label: 'hash chain',
                size: null,
                firstBadIndex:
                  r.chain.firstInvalidSeq === null ? null : r.chain.firstInvalidSeq - 1,
                reason: r.chain.reason ?? 'broken',
              },
            ]),
        ...r.log.problems,
      ],
    };
  }

  /** The latest `audit.verified` event: the dashboard's banner shows while it says invalid. */
  async integrityStatus(): Promise<IntegrityStatusDto> {
    const last = await this.ds.getRepository(AuditEventEntity).findOne({
      where: { action: AuditAction.AuditVerified },
      order: { seq: 'DESC' },
    });
    if (!last) return { lastVerification: null };
    const details = parseDetails(last.details);
    const first = details.firstInvalidSeq;
    return {
      lastVerification: {
        valid: details.valid === true,
        at: last.at.toISOString(),
        by: last.actor,
        firstInvalidSeq: typeof first === 'number' ? first : null,
      },
    };
  }

  /**
   * Per-row verification for listings, without a full check: the row's chain hash, its leaf
   * against the stored Merkle leaf, and the latest full verification (every row at or after its
   * first bad event is suspect).
   */
  private async integrityOf(rows: readonly AuditEventEntity[]): Promise<Integrity> {
    const { lastVerification } = await this.integrityStatus();
    const failedFrom =
      lastVerification && !lastVerification.valid
        ? (lastVerification.firstInvalidSeq ?? 1)
        : Number.POSITIVE_INFINITY;
    const seqs = rows.map((r) => r.seq);
    const leaves =
      seqs.length === 0
        ? new Map<number, Buffer>()
        : await readLeafHashes(this.ds.manager, Math.min(...seqs) - 1, Math.max(...seqs));
    return (e) => {
      let chainOk = false;
      let leaf: Buffer | null = null;
      try {
        chainOk = chainHash(e.prevHash, e) === e.hash;
        leaf = leafHash(leafBytes(e));
      } catch {
        chainOk = false;
      }
      const stored = leaves.get(e.seq - 1);
      if (!chainOk)
        return { verified: false, integrityProblem: 'the hash chain does not match this row' };
      if (stored && leaf && !stored.equals(leaf))
        return {
          verified: false,
          integrityProblem: 'this row is not the event the signed log holds',
        };
      if (e.seq >= failedFrom)
        return {
          verified: false,
          integrityProblem: `at or after event ${failedFrom}, where the latest verification failed`,
        };
      return { verified: true, integrityProblem: null };
    };
  }

  private logVerifier(): NoteVerifier | null {
    try {
      return loadOrCreateLogKey(this.config.logKeyFile, this.config.logOrigin, false).verifier;
    } catch (err) {
      if (err instanceof LogKeyMissingError) return null;
      throw err;
    }
  }

  /**
   * Streams the whole trail, oldest first, up to the head as it stood after recording the export
   * itself (`audit.exported`, written first). Reads a page at a time and waits for the socket to
   * drain, so memory stays flat whatever the trail's length; stops if the client goes away.
   */
  async export(format: ExportFormat, by: OperatorContext, res: Response): Promise<void> {
    await this.audit.record({
      actorType: 'operator',
      actor: by.username,
      action: AuditAction.AuditExported,
      details: { format },
    });
    const head = await this.ds.manager.findOneOrFail(AuditChainHeadEntity, {
      where: { id: AUDIT_CHAIN_HEAD_ID },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.status(200);
    res.setHeader(
      'Content-Type',
      format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    );
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="dss-audit-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
    );
    res.setHeader('X-DSS-Audit-Head-Seq', String(head.seq));
    res.setHeader('X-DSS-Audit-Head-Hash', head.hash);
    const write = async (chunk: string): Promise<void> => {
      if (!res.write(chunk)) await drained(res);
    };
    if (format === 'csv') await write(csvRow(CSV_HEADER));
    let after = 0;
    while (after < head.seq && !res.destroyed) {
      const rows = await this.ds
        .getRepository(AuditEventEntity)
        .createQueryBuilder('e')
        .where('e.seq > :after AND e.seq <= :head', { after, head: head.seq })
        .orderBy('e.seq', 'ASC')
        .limit(EXPORT_PAGE)
        .getMany();
      if (rows.length === 0) break;
      for (const e of rows) {
        if (res.destroyed) break;
        await write(
          format === 'csv'
            ? csvRow([
                e.seq,
                e.at.toISOString(),
                e.actorType,
                e.actor,
                e.action,
                e.subject,
                e.details,
                e.prevHash,
                e.hash,
              ])
            : `${JSON.stringify(toEventDto(e))}\n`,
        );
      }
      after = rows[rows.length - 1].seq;
    }
    res.end();
  }

  private async unrecorded(username: string | undefined): Promise<UnrecordedDeletionDto[]> {
    const qb = this.ds
      .getRepository(KeyPairEntity)
      .createQueryBuilder('k')
      .innerJoinAndSelect('k.user', 'u')
      .where('k.deleted = 1')
      .andWhere(
        'NOT EXISTS (SELECT 1 FROM audit_events ae WHERE ae.action = :deletedAction AND ae.subject = k.id)',
        { deletedAction: AuditAction.KeyDeleted },
      );
    if (username !== undefined) qb.andWhere('u.username = :username', { username });
    const rows = await qb.orderBy('k.deletedAt', 'DESC').limit(MAX_UNRECORDED).getMany();
    return rows.map((k) => ({
      username: k.user!.username,
      keyId: k.id,
      fingerprint: k.fingerprint,
      deletedAt: isoOrNull(k.deletedAt),
    }));
  }

  private async recordRead(
    by: OperatorContext,
    view: string,
    query: Record<string, string | number | undefined>,
  ): Promise<void> {
    await this.audit.record({
      actorType: 'operator',
      actor: by.username,
      action: AuditAction.AuditRead,
      details: {
        view,
        query: Object.fromEntries(
          Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined),
        ),
      },
    });
  }
}
