import { createHash, randomUUID, verify } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { KeyPairEntity, openDataSource, TransactionRunner, UserEntity } from '@dss/persistence';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { KeystoreService } from './keystore.service';
import { MasterKeyRing } from './master-key-ring';
import { kekUsage, rewrapAll } from './rewrap';

describe('rewrapAll / kekUsage (DESIGN.md §4 master-key rotation)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let runner: TransactionRunner;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    runner = new TransactionRunner(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const loadRows = () =>
    ds
      .getRepository(KeyPairEntity)
      .createQueryBuilder('k')
      .addSelect('k.privateKeyWrapped')
      .orderBy('k.id')
      .getMany();

  /** `n` users, each with an active key pair created under the ring's current key, plus one deleted pair. */
  async function seed(keystore: KeystoreService, n: number, prefix: string): Promise<void> {
    const users = ds.getRepository(UserEntity);
    const pairs = ds.getRepository(KeyPairEntity);
    for (let i = 0; i < n; i++) {
      const user = await users.save(users.create({ username: `${prefix}${i}`, passwordHash: 'h' }));
      const id = randomUUID();
      const pair = keystore.newKeyPair(id, user.id);
      await pairs.insert({
        id,
        userId: user.id,
        algorithm: pair.algorithm,
        publicKey: pair.publicKeyPem,
        fingerprint: pair.fingerprint,
        privateKeyWrapped: pair.privateKeyWrapped,
        kekId: pair.kekId,
        activeUserId: user.id,
      });
      if (i === 0) {
        await pairs.insert({
          id: randomUUID(),
          userId: user.id,
          algorithm: pair.algorithm,
          publicKey: null,
          fingerprint: pair.fingerprint,
          privateKeyWrapped: null,
          kekId: pair.kekId,
          deleted: true,
          deletedAt: new Date(),
          activeUserId: null,
        });
      }
    }
  }

  it('moves every active key under old master keys to the current one, in batches; the keys still sign', async () => {
    const ring = MasterKeyRing.load({
      masterKey: undefined,
      masterKeyFile: undefined,
      dataDir: db.dataDir,
    });
    const keystore = new KeystoreService(ring, { cacheSize: 0 });
    const k0 = ring.current().id;
    await seed(keystore, 7, 'first');
    const { newId: k1 } = MasterKeyRing.rotateFile(ring.path!);
    await seed(keystore, 5, 'second'); // newKeyPair reloads the ring: these are under k1
    expect(await kekUsage(ds)).toEqual({ [k0]: 7, [k1]: 5 });

    const { newId: k2 } = MasterKeyRing.rotateFile(ring.path!);
    const progress: [number, number][] = [];
    const result = await rewrapAll(ds, runner, ring, {
      batchSize: 3,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result).toEqual({ rewrapped: 12, remainingByKek: {}, unreadable: [] });
    expect(progress).toEqual([
      [3, 12],
      [6, 12],
      [9, 12],
      [12, 12],
    ]);
    expect(await kekUsage(ds)).toEqual({ [k2]: 12 });

    const rows = await loadRows();
    const deleted = rows.filter((r) => r.deleted);
    // Deleted pairs are untouched, never revived.
    expect(deleted.map((r) => [r.privateKeyWrapped, r.kekId]).sort()).toEqual(
      [
        [null, k0],
        [null, k1],
      ].sort(),
    );
    const doc = Buffer.from('signed after rotation');
    const fresh = new KeystoreService(
      MasterKeyRing.load({ masterKey: undefined, masterKeyFile: undefined, dataDir: db.dataDir }),
      { cacheSize: 0 },
    );
    for (const row of rows.filter((r) => !r.deleted)) {
      expect(row.kekId).toBe(k2);
      const key = fresh.signingKey(row);
      expect(verify('sha256', doc, row.publicKey!, key.signDocument(doc, 'der'))).toBe(true);
      expect(
        verify(
          'sha256',
          doc,
          row.publicKey!,
          key.signDigest(createHash('sha256').update(doc).digest(), 'der'),
        ),
      ).toBe(true);
    }

    // Nothing left to do: a second run is a no-op.
    expect(await rewrapAll(ds, runner, ring)).toEqual({
      rewrapped: 0,
      remainingByKek: {},
      unreadable: [],
    });
  });

  it('leaves keys under a master key missing from the ring, and unreadable blobs, and reports them', async () => {
    const ring = MasterKeyRing.load({
      masterKey: undefined,
      masterKeyFile: undefined,
      dataDir: db.dataDir,
    });
    const keystore = new KeystoreService(ring, { cacheSize: 0 });
    const pairs = ds.getRepository(KeyPairEntity);
    await seed(keystore, 2, 'third');
    const [a, b] = (await loadRows())
      .filter((r) => r.kekId === ring.current().id && !r.deleted)
      .slice(0, 2);
    // One row under a kek this ring has never had; one with a corrupted blob under a known retired kek.
    const { newId } = MasterKeyRing.rotateFile(ring.path!);
    const retired = ring.current().id;
    const corrupt = Buffer.from(b.privateKeyWrapped!);
    corrupt[20] ^= 1;
    await pairs.update(a.id, { kekId: 'feedfacefeedface' });
    await pairs.update(b.id, { privateKeyWrapped: corrupt });

    const result = await rewrapAll(ds, runner, ring, { batchSize: 4 });
    expect(ring.current().id).toBe(newId);
    expect(result.unreadable).toEqual([b.id]);
    expect(result.remainingByKek).toEqual({ feedfacefeedface: 1, [retired]: 1 });
    expect(result.rewrapped).toBe((await kekUsage(ds))[newId]);

    // Retire the two broken rows so the next test starts clean.
    for (const id of [a.id, b.id]) {
      await pairs.update(id, { deleted: true, activeUserId: null, privateKeyWrapped: null });
    }
  });

  it('never revives a key deleted while the re-wrap runs', async () => {
    const ring = MasterKeyRing.load({
      masterKey: undefined,
      masterKeyFile: undefined,
      dataDir: db.dataDir,
    });
    const keystore = new KeystoreService(ring, { cacheSize: 0 });
    await seed(keystore, 16, 'fourth');
    const victims = (await loadRows())
      .filter((r) => !r.deleted && r.kekId === ring.current().id)
      .filter((_, i) => i % 2 === 0);
    MasterKeyRing.rotateFile(ring.path!);

    // DeleteKeys as the app does it: lock the row, clear the key material, in one transaction.
    const deleteKey = (id: string) =>
      runner.run(async (manager) => {
        await runner
          .forUpdate(
            manager
              .getRepository(KeyPairEntity)
              .createQueryBuilder('k')
              .where('k.id = :id', { id }),
          )
          .getOne();
        await manager.update(
          KeyPairEntity,
          { id },
          {
            deleted: true,
            deletedAt: new Date(),
            activeUserId: null,
            privateKeyWrapped: null,
            publicKey: null,
          },
        );
      });
    const [result] = await Promise.all([
      rewrapAll(ds, runner, ring, { batchSize: 2 }),
      ...victims.map((v) => deleteKey(v.id)),
    ]);

    expect(result.remainingByKek).toEqual({});
    const rows = await loadRows();
    for (const v of victims) expect(rows.find((r) => r.id === v.id)!.privateKeyWrapped).toBeNull();
    for (const r of rows.filter((row) => !row.deleted)) expect(r.kekId).toBe(ring.current().id);
  });
});
