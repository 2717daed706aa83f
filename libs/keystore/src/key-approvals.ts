import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type AccountChange, AccountsService, normalizeUsername } from '@dss/accounts';
import { AuditAction, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import {
  KeyApprovalEntity,
  type KeyApprovalKind,
  TransactionRunner,
  UserEntity,
} from '@dss/persistence';
import { type EntityManager, LessThanOrEqual, MoreThan } from 'typeorm';
import { KeyDeletions, type PendingDeletion } from './key-deletions';

/** A request waits this long for a second administrator; then it reads as `expired`. */
export const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

export const APPROVAL_KINDS: readonly KeyApprovalKind[] = ['cancel_deletion', 'allow_new_key'];
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** The administrator asking, approving or rejecting, as the audit trail names them. */
export interface ApprovalActor {
  type: 'operator';
  /** The administrator's operator name: the requester and the approver must differ. */
  name: string;
  /** How the administrator acted when not through the admin API (e.g. `cli:root`). Audited. */
  via?: string;
}

/** A dual-control request as the admin API and `dss-admin` show it. */
export interface KeyApproval {
  id: string;
  kind: KeyApprovalKind;
  username: string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  status: ApprovalStatus;
  decidedBy: string | null;
  decidedAt: string | null;
}

/** An approval with the outcome of the action it carried out. */
export interface ApprovalOutcome {
  approval: KeyApproval;
  /** `cancel_deletion`: the cancelled deletion. */
  cancelled?: PendingDeletion;
  /** `allow_new_key`: whether key creation was blocked until now. */
  changed?: boolean;
}

function statusOf(row: KeyApprovalEntity, now: number): ApprovalStatus {
  if (row.status === 'pending' && row.expiresAt.getTime() <= now) return 'expired';
  return row.status;
}

function toApproval(row: KeyApprovalEntity, now: number): KeyApproval {
  return {
    id: row.id,
    kind: row.kind,
    username: row.username,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    status: statusOf(row, now),
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt === null ? null : row.decidedAt.toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Dual control (`DSS_DUAL_CONTROL`, docs/OPERATIONS.md): cancelling a pending key deletion and
 * allowing a new key pair are asked for by one administrator and carried out only when a second,
 * different one approves — in the same transaction that marks the request approved, exactly as
 * the single-administrator path does it. Each step is audited. Shared by the admin API and
 * `dss-admin`.
 *
 * Imported as `@dss/keystore/key-approvals`, not from the package index: it depends on
 * `@dss/accounts`, which itself imports `@dss/keystore`.
 */
@Injectable()
export class KeyApprovals {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    private readonly deletions: KeyDeletions,
    private readonly accounts: AccountsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
  ) {}

  /** Whether the two actions need a second administrator. */
  get enabled(): boolean {
    return this.config.dualControl;
  }

  /**
   * Records a pending request. Audited (`approval.requested`).
   *
   * @throws DomainError `not_found` (no such user)
   */
  async request(
    kind: KeyApprovalKind,
    username: string,
    actor: ApprovalActor,
  ): Promise<KeyApproval> {
    return this.runner.run(async (m) => {
      const user = await m.findOne(UserEntity, {
        where: { username: normalizeUsername(username) },
      });
      if (!user) throw new DomainError(ErrorCode.NotFound, 'no such user');
      const now = this.clock.now();
      const row: KeyApprovalEntity = Object.assign(new KeyApprovalEntity(), {
        id: randomUUID(),
        kind,
        username: user.username,
        requestedBy: actor.name,
        requestedAt: new Date(now),
        expiresAt: new Date(now + APPROVAL_TTL_MS),
        status: 'pending' as const,
        decidedBy: null,
        decidedAt: null,
      });
      await m.insert(KeyApprovalEntity, row);
      await this.audit.append(m, {
        actorType: actor.type,
        actor: actor.name,
        action: AuditAction.ApprovalRequested,
        subject: row.id,
        details: { kind, username: user.username, ...this.via(actor) },
      });
      return toApproval(row, now);
    });
  }

  /** Requests, newest first; `status` filters (`pending` leaves out expired ones). */
  async list(status?: ApprovalStatus): Promise<KeyApproval[]> {
    const now = this.clock.now();
    const nowDate = new Date(now);
    const where =
      status === undefined
        ? {}
        : status === 'pending'
          ? { status: 'pending' as const, expiresAt: MoreThan(nowDate) }
          : status === 'expired'
            ? { status: 'pending' as const, expiresAt: LessThanOrEqual(nowDate) }
            : { status };
    const rows = await this.runner.run((m) =>
      m.find(KeyApprovalEntity, { where, order: { requestedAt: 'DESC', id: 'ASC' }, take: 1000 }),
    );
    return rows.map((r) => toApproval(r, now));
  }

  /**
   * Approves a pending request and carries out its action, in one transaction. Audited
   * (`approval.approved`, then the action's own event, with the approver as actor).
   *
   * @throws DomainError `not_found` (no such request; or the action's own: no pending deletion),
   *   `self_approval` (the requester approving), `not_pending` (decided or expired), `conflict`
   */
  async approve(id: string, actor: ApprovalActor): Promise<ApprovalOutcome> {
    return this.runner.run(async (m) => {
      const row = await this.lockPending(m, id, actor, 'approve');
      await this.decide(m, row, 'approved', actor);
      const action = { type: actor.type, name: actor.name };
      if (row.kind === 'cancel_deletion') {
        const cancelled = await this.deletions.cancelIn(m, row.username, action);
        return { approval: toApproval(row, this.clock.now()), cancelled };
      }
      const change: AccountChange = await this.accounts.allowNewKeyIn(m, row.username, action);
      return { approval: toApproval(row, this.clock.now()), changed: change.changed };
    });
  }

  /**
   * Rejects a pending request (the requester may withdraw their own). Audited
   * (`approval.rejected`).
   *
   * @throws DomainError `not_found`, `not_pending`
   */
  async reject(id: string, actor: ApprovalActor): Promise<KeyApproval> {
    return this.runner.run(async (m) => {
      const row = await this.lockPending(m, id, actor, 'reject');
      await this.decide(m, row, 'rejected', actor);
      return toApproval(row, this.clock.now());
    });
  }

  private async lockPending(
    m: EntityManager,
    id: string,
    actor: ApprovalActor,
    verb: 'approve' | 'reject',
  ): Promise<KeyApprovalEntity> {
    const key = id.trim().toLowerCase();
    const row = UUID.test(key)
      ? await m.findOne(KeyApprovalEntity, { where: { id: key }, lock: this.runner.rowLock() })
      : null;
    if (!row) throw new DomainError(ErrorCode.NotFound, 'no such approval request');
    const status = statusOf(row, this.clock.now());
    if (status !== 'pending') {
      throw new DomainError(ErrorCode.NotPending, `the approval request is ${status}`, { status });
    }
    if (verb === 'approve' && row.requestedBy === actor.name) {
      throw new DomainError(
        ErrorCode.SelfApproval,
        'a second administrator must approve: you asked for this yourself',
      );
    }
    return row;
  }

  private async decide(
    m: EntityManager,
    row: KeyApprovalEntity,
    status: 'approved' | 'rejected',
    actor: ApprovalActor,
  ): Promise<void> {
    const now = new Date(this.clock.now());
    row.status = status;
    row.decidedBy = actor.name;
    row.decidedAt = now;
    await m.update(
      KeyApprovalEntity,
      { id: row.id },
      { status, decidedBy: actor.name, decidedAt: now },
    );
    await this.audit.append(m, {
      actorType: actor.type,
      actor: actor.name,
      action: status === 'approved' ? AuditAction.ApprovalApproved : AuditAction.ApprovalRejected,
      subject: row.id,
      details: {
        kind: row.kind,
        username: row.username,
        requestedBy: row.requestedBy,
        ...this.via(actor),
      },
    });
  }

  private via(actor: ApprovalActor): { via?: string } {
    return actor.via === undefined ? {} : { via: actor.via };
  }
}
