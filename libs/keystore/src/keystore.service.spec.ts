import { randomUUID, verify } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { type DataSource } from 'typeorm';
import { KeyPairEntity, openDataSource, UserEntity } from '@dss/persistence';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { KeyUnwrapError } from './key-wrap';
import { KeystoreModule } from './keystore.module';
import { KeystoreService, UnknownMasterKeyError } from './keystore.service';
import { MASTER_KEY_RING } from './keystore.tokens';
import { MasterKeyRing } from './master-key-ring';

describe('KeystoreService', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let ring: MasterKeyRing;
  let keystore: KeystoreService;
  let alice: UserEntity;
  let bob: UserEntity;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    ring = MasterKeyRing.load({
      masterKey: undefined,
      masterKeyFile: undefined,
      dataDir: db.dataDir,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [KeystoreModule.forRoot(ring, { cacheSize: 8 })],
    }).compile();
    keystore = moduleRef.get(KeystoreService);
    expect(moduleRef.get(MASTER_KEY_RING)).toBe(ring);
    const users = ds.getRepository(UserEntity);
    alice = await users.save(users.create({ username: 'alice', passwordHash: 'h' }));
    bob = await users.save(users.create({ username: 'bob', passwordHash: 'h' }));
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Creates a key pair the way CreateKeys does and stores it. */
  async function storeKeyPair(userId: number): Promise<KeyPairEntity> {
    const id = randomUUID();
    const pair = keystore.newKeyPair(id, userId);
    const repo = ds.getRepository(KeyPairEntity);
    await repo.insert({
      id,
      userId,
      algorithm: pair.algorithm,
      publicKey: pair.publicKeyPem,
      fingerprint: pair.fingerprint,
      privateKeyWrapped: pair.privateKeyWrapped,
      kekId: pair.kekId,
      activeUserId: userId,
    });
    return loadRow(id);
  }

  const loadRow = (id: string) =>
    ds
      .getRepository(KeyPairEntity)
      .createQueryBuilder('k')
      .addSelect('k.privateKeyWrapped')
      .where('k.id = :id', { id })
      .getOneOrFail();

  it('creates a wrapped key pair under the current master key that signs after a database round trip', async () => {
    const row = await storeKeyPair(alice.id);
    expect(row.algorithm).toBe('ecdsa-p256');
    expect(row.kekId).toBe(ring.current().id);
    expect(Buffer.isBuffer(row.privateKeyWrapped)).toBe(true);
    const key = keystore.signingKey(row);
    const doc = Buffer.from('minutes of the board meeting');
    expect(verify('sha256', doc, row.publicKey!, key.signDocument(doc, 'der'))).toBe(true);
    expect(keystore.signingKey(row)).toBe(key); // cached
    expect(keystore.cachedKeys).toBe(1);
    keystore.forget(row.id);
    expect(keystore.cachedKeys).toBe(0);
    expect(keystore.signingKey(row)).not.toBe(key);
  });

  it('a wrapped key copied onto another row or another user does not unwrap', async () => {
    const carol = await ds
      .getRepository(UserEntity)
      .save(ds.getRepository(UserEntity).create({ username: 'carol', passwordHash: 'h' }));
    const bobRow = await storeKeyPair(bob.id);
    const carolRow = await storeKeyPair(carol.id);
    const repo = ds.getRepository(KeyPairEntity);
    const copy = { privateKeyWrapped: bobRow.privateKeyWrapped, kekId: bobRow.kekId };

    // Onto another user's row: other key id and other user.
    await repo.update(carolRow.id, copy);
    const stolen = await loadRow(carolRow.id);
    expect(stolen.privateKeyWrapped).toEqual(bobRow.privateKeyWrapped);
    expect(() => keystore.signingKey(stolen)).toThrow(KeyUnwrapError);

    // Onto another row of the same user (an old, deleted pair revived by hand): other key id.
    const oldId = randomUUID();
    await repo.insert({
      id: oldId,
      userId: bob.id,
      algorithm: 'ecdsa-p256',
      publicKey: null,
      fingerprint: bobRow.fingerprint,
      privateKeyWrapped: null,
      kekId: null,
      deleted: true,
      deletedAt: new Date(),
      activeUserId: null,
    });
    await repo.update(oldId, copy);
    const revived = await loadRow(oldId);
    expect(() => keystore.signingKey(revived)).toThrow(KeyUnwrapError);

    // The same row moved to another user: same key id, other user.
    await repo.update(bobRow.id, { activeUserId: null });
    await repo.update(bobRow.id, { userId: carol.id });
    keystore.forget(bobRow.id);
    const moved = await loadRow(bobRow.id);
    expect(moved.userId).toBe(carol.id);
    expect(() => keystore.signingKey(moved)).toThrow(KeyUnwrapError);

    // The original, untouched blob still works for its own row and user.
    expect(keystore.signingKey({ ...moved, userId: bob.id })).toBeDefined();
  });

  it('refuses a deleted row, even when its key is cached, and a row loaded without its blob', async () => {
    const dave = await ds
      .getRepository(UserEntity)
      .save(ds.getRepository(UserEntity).create({ username: 'dave', passwordHash: 'h' }));
    const row = await storeKeyPair(dave.id);
    keystore.signingKey(row);
    expect(() => keystore.signingKey({ ...row, privateKeyWrapped: null, kekId: null })).toThrow(
      'holds no private key',
    );
    const withoutBlob = await ds.getRepository(KeyPairEntity).findOneByOrFail({ id: row.id });
    expect(() => keystore.signingKey(withoutBlob)).toThrow('were not selected');
  });

  it('names an unknown master key, and reloads a rotated ring file to find a new one', async () => {
    const erin = await ds
      .getRepository(UserEntity)
      .save(ds.getRepository(UserEntity).create({ username: 'erin', passwordHash: 'h' }));
    const row = await storeKeyPair(erin.id);
    keystore.forget(row.id);
    let error: unknown;
    try {
      keystore.signingKey({ ...row, kekId: '0123456789abcdef' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnknownMasterKeyError);
    expect((error as Error).message).toContain(
      'master key 0123456789abcdef is not in the key ring',
    );

    // Another process rotates the file and re-wraps under the new key: this instance has not
    // reloaded yet, meets the new kek id, reloads once and unwraps.
    const otherProcessRing = MasterKeyRing.load({
      masterKey: undefined,
      masterKeyFile: undefined,
      dataDir: db.dataDir,
    });
    const oldId = ring.current().id;
    const { newId } = MasterKeyRing.rotateFile(ring.path!);
    expect(ring.current().id).toBe(oldId);
    expect(otherProcessRing.reloadIfChanged()).toBe(true);
    const other = new KeystoreService(otherProcessRing, { cacheSize: 0 });
    const fresh = other.newKeyPair(row.id, row.userId);
    expect(fresh.kekId).toBe(newId);
    await ds
      .getRepository(KeyPairEntity)
      .update(row.id, { privateKeyWrapped: fresh.privateKeyWrapped, kekId: fresh.kekId });
    const rewrapped = await loadRow(row.id);
    expect(keystore.signingKey(rewrapped)).toBeDefined();
    expect(ring.current().id).toBe(newId);
    expect(ring.ids()).toEqual([newId, oldId]);
  });

  it('newKeyPair wraps under a key rotated since the last call', () => {
    const { newId } = MasterKeyRing.rotateFile(ring.path!);
    expect(keystore.newKeyPair(randomUUID(), alice.id).kekId).toBe(newId);
  });
});
