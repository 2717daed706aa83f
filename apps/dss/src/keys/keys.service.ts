import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { KeystoreService } from '@dss/keystore';
import { PkiService } from '@dss/pki';
import { isUniqueViolation, KeyPairEntity, TransactionRunner, UserEntity } from '@dss/persistence';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type KeyAlgorithm,
  type KeyInfo,
  type KeyStatus,
  type RotateResult,
} from './dto/create-keys.dto';
import { type GetPublicKeyDto, type PublicKeyInfo } from './dto/get-public-key.dto';
import { assertLoginStillValid, type Caller } from '../caller';
import { ActiveKeyIndex } from './active-key-index';
import { destroyKeyPair } from './key-destruction';
import { rotateAdvisedFor } from './key-age';

function statusOf(row: KeyPairEntity): KeyStatus {
  if (row.activeUserId !== null) return 'active';
  if (row.deleted) return 'deleted';
  return row.deletionDueAt !== null ? 'pending_deletion' : 'retired';
}

/** A key's validity ends when a rotation retires it or DeleteKeys deletes it. */
function validToOf(row: KeyPairEntity): Date | null {
  return row.retiredAt ?? row.deletedAt ?? null;
}

/** CreateKeys, GetPublicKey, RotateKeys, DeleteKeys (PROTOCOL.md §4, DESIGN.md §4, §11). */
@Injectable()
export class KeysService {
  private readonly maxKeyAgeDays: number;
  private readonly deletionGraceMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    private readonly keystore: KeystoreService,
    private readonly activeKeys: ActiveKeyIndex,
    private readonly pki: PkiService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DSS_CONFIG) config: DssConfig,
  ) {
    this.maxKeyAgeDays = config.maxKeyAgeDays;
    this.deletionGraceMs = config.keyDeletionGraceMs;
  }

  private toKeyInfo(row: KeyPairEntity, certificate: string | null): KeyInfo {
    const status = statusOf(row);
    const validTo = validToOf(row);
    return {
      keyId: row.id,
      algorithm: row.algorithm as KeyAlgorithm,
      publicKey: row.publicKey ?? '',
      fingerprint: row.fingerprint,
      createdAt: row.createdAt.toISOString(),
      ...(certificate ? { certificate } : {}),
      validFrom: row.createdAt.toISOString(),
      validTo: validTo === null ? null : validTo.toISOString(),
      status,
      ...(status === 'active' &&
      rotateAdvisedFor(row.createdAt, this.clock.now(), this.maxKeyAgeDays)
        ? { rotateAdvised: true as const }
        : {}),
    };
  }

  /**
   * One active pair per user, enforced by the unique `active_user_id` index; the user row lock
   * makes the common race answer `key_exists` before the index has to.
   */
  async create(caller: Caller, algorithm: KeyAlgorithm = 'ecdsa-p256'): Promise<KeyInfo> {
    const keyId = randomUUID();
    const material = this.keystore.newKeyPair(keyId, caller.userId, algorithm);
    try {
      return await this.runner.run(async (m) => {
        const user = await m.findOne(UserEntity, {
          where: { id: caller.userId },
          lock: this.runner.rowLock(),
        });
        if (!user) throw new DomainError(ErrorCode.NotAuthenticated, 'log in first');
        assertLoginStillValid(user, caller);
        if (await m.exists(KeyPairEntity, { where: { activeUserId: caller.userId } })) {
          throw new DomainError(ErrorCode.KeyExists, 'an active key pair exists; delete it first');
        }
        if (user.keyCreationBlocked) {
          throw new DomainError(
            ErrorCode.KeyDeleted,
            'your key pair was deleted; an administrator must allow a new one',
          );
        }
        const { row, certificate } = await this.insertKey(m, caller, user, keyId, material);
        await this.audit.append(m, {
          actorType: 'user',
          actor: caller.username,
          action: AuditAction.KeyCreated,
          subject: keyId,
          details: {
            username: caller.username,
            keyId,
            algorithm,
            fingerprint: material.fingerprint,
          },
        });
        return this.toKeyInfo(row, certificate);
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new DomainError(ErrorCode.KeyExists, 'an active key pair exists; delete it first');
      throw err;
    }
  }

  /**
   * Rotation (DESIGN.md §11): in one transaction the active pair is retired — it no longer
   * signs, its wrapped private key is destroyed, its public key and certificate stay served —
   * and a new pair with its certificate becomes the active one. A signature already in flight
   * with the retired key is refused by the ledger's check under the key row's lock and signed
   * again with the new key; other instances' caches learn it the same way.
   */
  async rotate(caller: Caller, algorithm?: KeyAlgorithm): Promise<RotateResult> {
    const keyId = randomUUID();
    let retiredKeyId: string | undefined;
    try {
      const result = await this.runner.run(async (m) => {
        const user = await m.findOne(UserEntity, {
          where: { id: caller.userId },
          lock: this.runner.rowLock(),
        });
        if (!user) throw new DomainError(ErrorCode.NotAuthenticated, 'log in first');
        assertLoginStillValid(user, caller);
        const old = await this.lockActiveKey(m, caller.userId);
        if (!old) throw new DomainError(ErrorCode.NoKey, 'no active key pair to rotate');
        retiredKeyId = old.id;
        const newAlgorithm = algorithm ?? (old.algorithm as KeyAlgorithm);
        // Generated inside: the default algorithm is the retired key's.
        const material = this.keystore.newKeyPair(keyId, caller.userId, newAlgorithm);
        const now = new Date(this.clock.now());
        // Retire first: the unique active index admits the new row only once the old one left it.
        await m.update(
          KeyPairEntity,
          { id: old.id },
          { activeUserId: null, retiredAt: now, privateKeyWrapped: null },
        );
        const { row, certificate } = await this.insertKey(m, caller, user, keyId, material);
        await this.audit.append(m, {
          actorType: 'user',
          actor: caller.username,
          action: AuditAction.KeyRotated,
          subject: keyId,
          details: {
            username: caller.username,
            keyId,
            algorithm: newAlgorithm,
            fingerprint: material.fingerprint,
            retiredKeyId: old.id,
            retiredFingerprint: old.fingerprint,
          },
        });
        return { ...this.toKeyInfo(row, certificate), retiredKeyId: old.id };
      });
      return result;
    } finally {
      // Whatever the outcome, this instance re-reads the user's key on the next signature.
      if (retiredKeyId !== undefined) this.keystore.forget(retiredKeyId);
      this.activeKeys.forget(caller.userId);
    }
  }

  /**
   * GetPublicKey: the active key of the caller or the named user; with `keyId`, that key (of
   * any user, or of the named one); with `at`, the key that was active then. Retired keys are
   * served with their validity period; a deleted key's public key was destroyed: `no_key`.
   */
  async publicKey(caller: Caller, dto: GetPublicKeyDto = {}): Promise<PublicKeyInfo> {
    assertLoginStillValid(
      await this.dataSource.getRepository(UserEntity).findOneBy({ id: caller.userId }),
      caller,
    );
    if (dto.keyId !== undefined && dto.at !== undefined) {
      throw new DomainError(ErrorCode.InvalidRequest, 'send at most one of keyId and at');
    }
    const named = dto.username?.trim().toLowerCase();
    const name = named ?? caller.username;
    if (dto.keyId !== undefined) return this.publicKeyById(dto.keyId.toLowerCase(), named);
    if (dto.at !== undefined) return this.publicKeyAt(name, new Date(dto.at), named !== undefined);
    const row = await this.dataSource
      .getRepository(KeyPairEntity)
      .createQueryBuilder('k')
      .innerJoin(UserEntity, 'u', 'u.id = k.user_id')
      .where('u.username = :name', { name })
      .andWhere('k.active_user_id IS NOT NULL')
      .getOne();
    if (!row)
      throw new DomainError(
        ErrorCode.NoKey,
        named !== undefined ? `${name} has no active key pair` : 'no active key pair',
      );
    return { username: name, ...this.toKeyInfo(row, await this.pki.certificateOfKey(row.id)) };
  }

  private async publicKeyById(keyId: string, named: string | undefined): Promise<PublicKeyInfo> {
    const row = await this.dataSource.getRepository(KeyPairEntity).findOneBy({ id: keyId });
    const owner =
      row && (await this.dataSource.getRepository(UserEntity).findOneBy({ id: row.userId }));
    if (!row || !owner || (named !== undefined && owner.username !== named)) {
      throw new DomainError(ErrorCode.NoKey, `no key pair ${keyId}`);
    }
    return this.served(owner.username, row);
  }

  private async publicKeyAt(name: string, at: Date, named: boolean): Promise<PublicKeyInfo> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ username: name });
    // A user has a handful of keys over the years: read them and pick in code (engine-neutral).
    const rows = user
      ? await this.dataSource
          .getRepository(KeyPairEntity)
          .find({ where: { userId: user.id }, order: { createdAt: 'DESC' } })
      : [];
    const row = rows.find((r) => r.createdAt.getTime() <= at.getTime());
    const validTo = row && validToOf(row);
    if (!row || (validTo && validTo.getTime() <= at.getTime())) {
      throw new DomainError(
        ErrorCode.NoKey,
        `${named ? name : 'you'} had no key pair at ${at.toISOString()}`,
      );
    }
    return this.served(name, row);
  }

  private async served(username: string, row: KeyPairEntity): Promise<PublicKeyInfo> {
    if (row.publicKey === null) {
      throw new DomainError(
        ErrorCode.NoKey,
        `key pair ${row.id} was deleted and its public key destroyed; use its certificate or a saved copy`,
      );
    }
    return { username, ...this.toKeyInfo(row, await this.pki.certificateOfKey(row.id)) };
  }

  /**
   * DESIGN.md §4 delete, as in the report: private and public key set to NULL, deleted flag and
   * time set, key creation blocked, audit event — one transaction. Only the active pair: retired
   * pairs hold no private key any more (rotation destroyed it) and keep their public key, so
   * their signatures stay verifiable.
   *
   * With `DSS_KEY_DELETION_GRACE` the pair is disabled at once instead (it leaves the active
   * index, so the signing transaction refuses it on every instance) and its destruction is
   * scheduled; `KeyDeletionSweeper` destroys it when due unless an administrator cancels.
   */
  async delete(caller: Caller): Promise<{ keyId: string; deleted: true; deletionDueAt?: string }> {
    const { keyId, dueAt } = await this.runner.run(async (m) => {
      assertLoginStillValid(
        await m.findOne(UserEntity, { where: { id: caller.userId }, lock: this.runner.rowLock() }),
        caller,
      );
      const row = await this.lockActiveKey(m, caller.userId);
      if (!row) throw new DomainError(ErrorCode.NoKey, 'no active key pair');
      const now = new Date(this.clock.now());
      await m.update(UserEntity, { id: caller.userId }, { keyCreationBlocked: true });
      if (this.deletionGraceMs > 0) {
        const due = new Date(now.getTime() + this.deletionGraceMs);
        await m.update(
          KeyPairEntity,
          { id: row.id },
          { activeUserId: null, deletedAt: now, deletionDueAt: due },
        );
        await this.audit.append(m, {
          actorType: 'user',
          actor: caller.username,
          action: AuditAction.KeyDeletionScheduled,
          subject: row.id,
          details: {
            username: caller.username,
            keyId: row.id,
            fingerprint: row.fingerprint,
            dueAt: due.toISOString(),
          },
        });
        return { keyId: row.id, dueAt: due };
      }
      await destroyKeyPair(m, this.pki, this.audit, row, now, {
        type: 'user',
        name: caller.username,
      });
      return { keyId: row.id, dueAt: null };
    });
    this.keystore.forget(keyId);
    this.activeKeys.forget(caller.userId);
    return {
      keyId,
      deleted: true,
      ...(dueAt !== null ? { deletionDueAt: dueAt.toISOString() } : {}),
    };
  }

  /** Inserts a new active key row and issues its certificate (no key without one, DESIGN.md §10). */
  private async insertKey(
    m: EntityManager,
    caller: Caller,
    user: UserEntity,
    keyId: string,
    material: ReturnType<KeystoreService['newKeyPair']>,
  ): Promise<{ row: KeyPairEntity; certificate: string }> {
    const row = m.create(KeyPairEntity, {
      id: keyId,
      userId: caller.userId,
      algorithm: material.algorithm,
      publicKey: material.publicKeyPem,
      fingerprint: material.fingerprint,
      privateKeyWrapped: material.privateKeyWrapped,
      kekId: material.kekId,
      createdAt: new Date(this.clock.now()),
      deleted: false,
      deletedAt: null,
      retiredAt: null,
      activeUserId: caller.userId,
    });
    await m.insert(KeyPairEntity, row);
    const certificate = await this.pki.issueForKey(
      m,
      { keyId, userId: caller.userId, publicKeyPem: material.publicKeyPem },
      { username: caller.username, fullName: user.fullName, email: user.email },
      { type: 'user', name: caller.username },
    );
    return { row, certificate };
  }

  private lockActiveKey(m: EntityManager, userId: number): Promise<KeyPairEntity | null> {
    return m.findOne(KeyPairEntity, {
      where: { activeUserId: userId },
      lock: this.runner.rowLock(),
    });
  }
}
