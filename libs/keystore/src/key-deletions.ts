import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { KeyPairEntity, TransactionRunner, UserEntity } from '@dss/persistence';
import { type EntityManager, IsNull, Not } from 'typeorm';

/** Who cancels: an operator of the admin app or of `dss-admin`. */
export interface DeletionActor {
  type: 'operator';
  name: string;
}

/** A deletion waiting out the grace period, for the key inventory and `dss-admin`. */
export interface PendingDeletion {
  username: string;
  keyId: string;
  fingerprint: string;
  requestedAt: string;
  dueAt: string;
}

/**
 * Deletion with a grace period (`DSS_KEY_DELETION_GRACE`, DESIGN.md §11), the part both admin
 * paths share: listing the pending deletions and cancelling one. DeleteKeys schedules (employee
 * API); the employee API's sweeper destroys the material when due.
 */
@Injectable()
export class KeyDeletions {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Every deletion still waiting, soonest first. */
  async pending(): Promise<PendingDeletion[]> {
    return this.runner.run(async (m) => {
      const rows = await m.find(KeyPairEntity, {
        where: { deletionDueAt: Not(IsNull()), deleted: false },
        relations: { user: true },
        order: { deletionDueAt: 'ASC' },
      });
      return rows.map((r) => ({
        username: r.user!.username,
        keyId: r.id,
        fingerprint: r.fingerprint,
        requestedAt: (r.deletedAt ?? r.createdAt).toISOString(),
        dueAt: r.deletionDueAt!.toISOString(),
      }));
    });
  }

  /**
   * Cancels the user's pending deletion: the key is active again (it signs at once, on every
   * instance: no instance caches an absent key) and key creation is no longer blocked. Audited.
   *
   * @throws DomainError `not_found` (no such user, or no deletion pending), `conflict` (the user
   *   has an active key meanwhile).
   */
  cancel(username: string, actor: DeletionActor): Promise<PendingDeletion> {
    return this.runner.run((m) => this.cancelIn(m, username, actor));
  }

  /** {@link cancel} inside the caller's transaction (dual control: with the approval). */
  async cancelIn(
    m: EntityManager,
    username: string,
    actor: DeletionActor,
  ): Promise<PendingDeletion> {
    const user = await m.findOne(UserEntity, {
      where: { username: username.trim().toLowerCase() },
      lock: this.runner.rowLock(),
    });
    if (!user) throw new DomainError(ErrorCode.NotFound, 'no such user');
    const row = await m.findOne(KeyPairEntity, {
      where: { userId: user.id, deletionDueAt: Not(IsNull()), deleted: false },
      lock: this.runner.rowLock(),
    });
    if (!row || row.deletionDueAt!.getTime() <= this.clock.now()) {
      throw new DomainError(
        ErrorCode.NotFound,
        `no key deletion of ${user.username} is pending (or it is already due)`,
      );
    }
    if (await m.exists(KeyPairEntity, { where: { activeUserId: user.id } })) {
      throw new DomainError(ErrorCode.Conflict, `${user.username} has an active key pair`);
    }
    const pending: PendingDeletion = {
      username: user.username,
      keyId: row.id,
      fingerprint: row.fingerprint,
      requestedAt: (row.deletedAt ?? row.createdAt).toISOString(),
      dueAt: row.deletionDueAt!.toISOString(),
    };
    await m.update(
      KeyPairEntity,
      { id: row.id },
      { activeUserId: user.id, deletionDueAt: null, deletedAt: null },
    );
    await m.update(UserEntity, { id: user.id }, { keyCreationBlocked: false });
    await this.audit.append(m, {
      actorType: actor.type,
      actor: actor.name,
      action: AuditAction.KeyDeletionCancelled,
      subject: row.id,
      details: { username: user.username, keyId: row.id, dueAt: pending.dueAt },
    });
    return pending;
  }
}
