import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { KeystoreService } from '@dss/keystore';
import { PkiService } from '@dss/pki';
import { isUniqueViolation, KeyPairEntity, TransactionRunner, UserEntity } from '@dss/persistence';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { type KeyAlgorithm, type KeyInfo } from './dto/create-keys.dto';
import { type PublicKeyInfo } from './dto/get-public-key.dto';
import { assertLoginStillValid, type Caller } from '../caller';
import { ActiveKeyIndex } from './active-key-index';

function toKeyInfo(row: KeyPairEntity, certificate: string | null): KeyInfo {
  return {
    keyId: row.id,
    algorithm: row.algorithm as KeyAlgorithm,
    publicKey: row.publicKey ?? '',
    fingerprint: row.fingerprint,
    createdAt: row.createdAt.toISOString(),
    ...(certificate ? { certificate } : {}),
  };
}

/** CreateKeys, GetPublicKey, DeleteKeys (PROTOCOL.md §4, DESIGN.md §4). */
@Injectable()
export class KeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    private readonly keystore: KeystoreService,
    private readonly activeKeys: ActiveKeyIndex,
    private readonly pki: PkiService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * One active pair per user, enforced by the unique `active_user_id` index; the user row lock
   * makes the common race answer `key_exists` before the index has to.
   */
  async create(caller: Caller, algorithm: KeyAlgorithm = 'ecdsa-p256'): Promise<KeyInfo> {
    const keyId = randomUUID();
    const material = this.keystore.newKeyPair(keyId, caller.userId);
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
        const row = m.create(KeyPairEntity, {
          id: keyId,
          userId: caller.userId,
          algorithm,
          publicKey: material.publicKeyPem,
          fingerprint: material.fingerprint,
          privateKeyWrapped: material.privateKeyWrapped,
          kekId: material.kekId,
          createdAt: new Date(this.clock.now()),
          deleted: false,
          deletedAt: null,
          activeUserId: caller.userId,
        });
        await m.insert(KeyPairEntity, row);
        const actor = { type: 'user' as const, name: caller.username };
        // In the same transaction: no key without its certificate (DESIGN.md §10).
        const certificate = await this.pki.issueForKey(
          m,
          { keyId, userId: caller.userId, publicKeyPem: material.publicKeyPem },
          { username: caller.username, fullName: user.fullName, email: user.email },
          actor,
        );
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
        return toKeyInfo(row, certificate);
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new DomainError(ErrorCode.KeyExists, 'an active key pair exists; delete it first');
      throw err;
    }
  }

  async publicKey(caller: Caller, username?: string): Promise<PublicKeyInfo> {
    assertLoginStillValid(
      await this.dataSource.getRepository(UserEntity).findOneBy({ id: caller.userId }),
      caller,
    );
    const name = username?.trim().toLowerCase() ?? caller.username;
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
        username ? `${name} has no active key pair` : 'no active key pair',
      );
    return { username: name, ...toKeyInfo(row, await this.pki.certificateOfKey(row.id)) };
  }

  /**
   * DESIGN.md §4 delete, as in the report: private and public key set to NULL, deleted flag and
   * time set, key creation blocked, audit event — one transaction.
   */
  async delete(caller: Caller): Promise<{ keyId: string; deleted: true }> {
    const keyId = await this.runner.run(async (m) => {
      assertLoginStillValid(
        await m.findOne(UserEntity, { where: { id: caller.userId }, lock: this.runner.rowLock() }),
        caller,
      );
      const row = await this.lockActiveKey(m, caller.userId);
      if (!row) throw new DomainError(ErrorCode.NoKey, 'no active key pair');
      const now = new Date(this.clock.now());
      await m.update(
        KeyPairEntity,
        { id: row.id },
        {
          publicKey: null,
          privateKeyWrapped: null,
          deleted: true,
          deletedAt: now,
          activeUserId: null,
        },
      );
      await m.update(UserEntity, { id: caller.userId }, { keyCreationBlocked: true });
      // RFC 5280 §5: the certificate is revoked and a new CRL published in the same transaction.
      await this.pki.revokeKey(m, row.id, { type: 'user', name: caller.username });
      await this.audit.append(m, {
        actorType: 'user',
        actor: caller.username,
        action: AuditAction.KeyDeleted,
        subject: row.id,
        details: { username: caller.username, keyId: row.id, fingerprint: row.fingerprint },
      });
      return row.id;
    });
    this.keystore.forget(keyId);
    this.activeKeys.forget(caller.userId);
    return { keyId, deleted: true };
  }

  private lockActiveKey(m: EntityManager, userId: number): Promise<KeyPairEntity | null> {
    return m.findOne(KeyPairEntity, {
      where: { activeUserId: userId },
      lock: this.runner.rowLock(),
    });
  }
}
