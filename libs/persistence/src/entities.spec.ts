import { randomBytes, randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { openDataSource } from './data-source';
import {
  AUDIT_CHAIN_HEAD_ID,
  AUDIT_GENESIS_HASH,
  AuditChainHeadEntity,
  AuditEventEntity,
  KeyPairEntity,
  OperatorEntity,
  OperatorSessionEntity,
  UserEntity,
} from './entities';
import { isUniqueViolation } from './errors';

describe('entities', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  let n = 0;
  async function newUser(): Promise<UserEntity> {
    n += 1;
    const users = ds.getRepository(UserEntity);
    return users.save(users.create({ username: `user${n}`, passwordHash: 'bcrypt-hash' }));
  }

  function keyPair(userId: number, active = true): Partial<KeyPairEntity> {
    return {
      id: randomUUID(),
      userId,
      algorithm: 'ECDSA-P256',
      publicKey: '-----BEGIN PUBLIC KEY-----',
      fingerprint: randomBytes(32).toString('hex'),
      privateKeyWrapped: randomBytes(100),
      kekId: 'kek-1',
      activeUserId: active ? userId : null,
    };
  }

  describe('users', () => {
    it('fill defaults and application timestamps, and hide the password hash', async () => {
      const before = Date.now();
      const user = await newUser();
      const loaded = await ds.getRepository(UserEntity).findOneByOrFail({ id: user.id });
      expect(loaded).toMatchObject({
        username: user.username,
        mustChangePassword: true,
        failedLogins: 0,
        keyCreationBlocked: false,
        lockedUntil: null,
        disabledAt: null,
        tempPasswordExpiresAt: null,
      });
      expect(loaded.passwordHash).toBeUndefined();
      expect(loaded.createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(loaded.updatedAt).toEqual(loaded.createdAt);

      const withHash = await ds
        .getRepository(UserEntity)
        .findOneOrFail({ where: { id: user.id }, select: { id: true, passwordHash: true } });
      expect(withHash.passwordHash).toBe('bcrypt-hash');
    });

    it('round-trip millisecond datetimes in UTC and booleans', async () => {
      const user = await newUser();
      const at = new Date('2031-02-03T04:05:06.789Z');
      await ds.getRepository(UserEntity).update(user.id, {
        tempPasswordExpiresAt: at,
        lockedUntil: new Date('1999-12-31T23:59:59.001Z'),
        keyCreationBlocked: true,
        mustChangePassword: false,
        updatedAt: at,
      });
      const loaded = await ds.getRepository(UserEntity).findOneByOrFail({ id: user.id });
      expect(loaded.tempPasswordExpiresAt).toEqual(at);
      expect(loaded.lockedUntil?.toISOString()).toBe('1999-12-31T23:59:59.001Z');
      expect(loaded.updatedAt).toEqual(at);
      expect(loaded.keyCreationBlocked).toBe(true);
      expect(loaded.mustChangePassword).toBe(false);
    });

    it('compare datetimes in queries at millisecond precision', async () => {
      const user = await newUser();
      const at = new Date('2030-01-01T00:00:00.500Z');
      await ds.getRepository(UserEntity).update(user.id, { lockedUntil: at });
      const count = (bound: Date) =>
        ds
          .getRepository(UserEntity)
          .createQueryBuilder('u')
          .where('u.id = :id AND u.locked_until > :bound', { id: user.id, bound })
          .getCount();
      expect(await count(new Date(at.getTime() - 1))).toBe(1);
      expect(await count(at)).toBe(0);
    });

    it('reject a duplicate username as a unique violation', async () => {
      const user = await newUser();
      const users = ds.getRepository(UserEntity);
      const err: unknown = await users
        .insert(users.create({ username: user.username, passwordHash: 'x' }))
        .catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
    });

    it('compare usernames case-sensitively on both engines', async () => {
      const user = await newUser();
      const users = ds.getRepository(UserEntity);
      expect(await users.countBy({ username: user.username.toUpperCase() })).toBe(0);
    });
  });

  describe('key_pairs', () => {
    it('round-trip the wrapped private key as a Buffer (select: false)', async () => {
      const user = await newUser();
      const pair = keyPair(user.id);
      await ds.getRepository(KeyPairEntity).insert(pair);

      const plain = await ds.getRepository(KeyPairEntity).findOneByOrFail({ id: pair.id });
      expect(plain.privateKeyWrapped).toBeUndefined();
      expect(plain.deleted).toBe(false);
      expect(plain.createdAt).toBeInstanceOf(Date);

      const loaded = await ds
        .getRepository(KeyPairEntity)
        .createQueryBuilder('k')
        .addSelect('k.privateKeyWrapped')
        .where('k.id = :id', { id: pair.id })
        .getOneOrFail();
      expect(Buffer.isBuffer(loaded.privateKeyWrapped)).toBe(true);
      expect(loaded.privateKeyWrapped!.equals(pair.privateKeyWrapped!)).toBe(true);
    });

    it('allow at most one active pair per user, enforced by the database', async () => {
      const user = await newUser();
      const other = await newUser();
      const keys = ds.getRepository(KeyPairEntity);
      const first = keyPair(user.id);
      await keys.insert(first);
      await keys.insert(keyPair(other.id));

      const err: unknown = await keys.insert(keyPair(user.id)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(isUniqueViolation(err)).toBe(true);

      await keys.update(first.id!, {
        activeUserId: null,
        deleted: true,
        deletedAt: new Date(),
        publicKey: null,
        privateKeyWrapped: null,
      });
      await keys.insert(keyPair(user.id));
      await keys.insert(keyPair(user.id, false));
      expect(await keys.countBy({ userId: user.id })).toBe(3);
      expect(await keys.countBy({ activeUserId: user.id })).toBe(1);
    });

    it('refuse a pair for a user that does not exist (foreign key)', async () => {
      const err: unknown = await ds
        .getRepository(KeyPairEntity)
        .insert(keyPair(999_999))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(isUniqueViolation(err)).toBe(false);
    });

    it('reject a duplicate id as a unique violation', async () => {
      const user = await newUser();
      const pair = keyPair(user.id, false);
      await ds.getRepository(KeyPairEntity).insert(pair);
      const err: unknown = await ds
        .getRepository(KeyPairEntity)
        .insert(pair)
        .catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
    });
  });

  describe('audit', () => {
    it('return bigint columns as numbers', async () => {
      const head = await ds
        .getRepository(AuditChainHeadEntity)
        .findOneByOrFail({ id: AUDIT_CHAIN_HEAD_ID });
      expect(head).toEqual({ id: 1, seq: 0, hash: AUDIT_GENESIS_HASH });

      const seq = 2 ** 40 + 7;
      const at = new Date('2025-11-25T12:34:56.789Z');
      await ds.getRepository(AuditEventEntity).insert({
        seq,
        at,
        actorType: 'system',
        actor: 'system',
        action: 'test.event',
        subject: null,
        details: '{"a":1}',
        prevHash: AUDIT_GENESIS_HASH,
        hash: 'f'.repeat(64),
      });
      const event = await ds.getRepository(AuditEventEntity).findOneByOrFail({ seq });
      expect(event.seq).toBe(seq);
      expect(typeof event.seq).toBe('number');
      expect(event.at).toEqual(at);
      expect(event.subject).toBeNull();

      await ds.getRepository(AuditChainHeadEntity).update(AUDIT_CHAIN_HEAD_ID, { seq });
      const moved = await ds
        .getRepository(AuditChainHeadEntity)
        .findOneByOrFail({ id: AUDIT_CHAIN_HEAD_ID });
      expect(moved.seq).toBe(seq);
    });
  });

  describe('operators and sessions', () => {
    it('round-trip an operator and a session, cascading on operator deletion', async () => {
      const operators = ds.getRepository(OperatorEntity);
      const operator = await operators.save(
        operators.create({ username: 'admin', passwordHash: 'h', role: 'admin' }),
      );
      expect(operator.mustChangePassword).toBe(true);

      const sessions = ds.getRepository(OperatorSessionEntity);
      const expiresAt = new Date(Date.now() + 1800_000);
      const session = await sessions.save(
        sessions.create({
          id: randomBytes(32).toString('hex'),
          operatorId: operator.id,
          kind: 'cookie',
          csrfTokenHash: randomBytes(32).toString('hex'),
          expiresAt,
        }),
      );
      const loaded = await sessions.findOneByOrFail({ id: session.id });
      expect(loaded.expiresAt).toEqual(expiresAt);
      expect(loaded.lastSeenAt).toEqual(loaded.createdAt);
      expect(loaded.revokedAt).toBeNull();

      await operators.delete(operator.id);
      expect(await sessions.countBy({ id: session.id })).toBe(0);
    });
  });
});

describe('isUniqueViolation', () => {
  it.each([
    [{ code: 'ER_DUP_ENTRY', errno: 1062 }, true],
    [{ driverError: { code: 'ER_DUP_ENTRY' } }, true],
    [{ errno: 1062 }, true],
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE' }, true],
    [{ driverError: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' } }, true],
    [{ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }, false],
    [{ code: 'ER_NO_REFERENCED_ROW_2', errno: 1452 }, false],
    [new Error('boom'), false],
    [null, false],
    ['ER_DUP_ENTRY', false],
  ])('%p → %p', (err, expected) => {
    expect(isUniqueViolation(err)).toBe(expected);
  });
});
