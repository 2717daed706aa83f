import { SessionEndedError } from '@dss/common';
import { AuditService } from '@dss/audit';
import {
  AuditEventEntity,
  KeyPairEntity,
  openDataSource,
  TransactionRunner,
  UserEntity,
} from '@dss/persistence';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { ManualClock } from '@dss/common';
import { type DataSource } from 'typeorm';
import { KeyNoLongerActiveError, SignatureLedger, type SignatureRecord } from './signature-ledger';
import { SignatureLedgerRepository } from './signature-ledger.repository';

/**
 * The ledger's rule, on the engine of DSS_DATABASE_URL: a signature is recorded only while its key
 * is active and its signer's login still valid (no disable, no password change or reset since
 * that login), decided in the signing transaction itself to the millisecond; a batch stands or
 * falls whole.
 */
describe('SignatureLedger', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let runner: TransactionRunner;
  let ledger: SignatureLedger;
  let userId: number;
  const clock = new ManualClock(Date.UTC(2026, 11, 2, 9, 30, 0, 250));
  const keyId = '5f0c8a52-3d43-4f5e-9a43-0c6f6a1d2b11';

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    runner = new TransactionRunner(ds);
    ledger = new SignatureLedger(
      new AuditService(runner, clock),
      runner,
      new SignatureLedgerRepository(runner),
    );
    const now = new Date(clock.now());
    const user = await ds.getRepository(UserEntity).save({
      username: 'alice',
      passwordHash: 'not-a-real-hash',
      mustChangePassword: false,
      createdAt: now,
      updatedAt: now,
    });
    userId = user.id;
    await ds.getRepository(KeyPairEntity).insert({
      id: keyId,
      userId,
      algorithm: 'ecdsa-p256',
      publicKey: null,
      fingerprint: 'f'.repeat(64),
      kekId: null,
      createdAt: now,
      activeUserId: userId,
    });
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  const signature = (authenticatedAt: number, n = 0): SignatureRecord => ({
    userId,
    authenticatedAt,
    username: 'alice',
    keyId,
    digest: n.toString(16).padStart(64, '0'),
    encoding: 'der',
    mode: 'document',
  });
  const events = () => ds.getRepository(AuditEventEntity).count();
  const setUser = (fields: Partial<UserEntity>) =>
    ds.getRepository(UserEntity).update({ id: userId }, fields);
  it('records signatures with consecutive receipts naming their digest', async () => {
    const first = await ledger.record(signature(clock.now(), 1));
    const second = await ledger.record(signature(clock.now(), 2));
    expect(second.logIndex).toBe(first.logIndex + 1);
    const leaf = JSON.parse(Buffer.from(second.leaf, 'base64').toString('utf8')) as {
      details: { digest: string };
    };
    expect(leaf.details.digest).toBe(signature(0, 2).digest);
  });

  it('takes a login made at the very millisecond of a password reset, and refuses one a millisecond older', async () => {
    const reset = clock.now() - 60_000;
    await setUser({ sessionsValidAfter: new Date(reset) });
    await expect(ledger.record(signature(reset, 3))).resolves.toMatchObject({
      logIndex: expect.any(Number) as number,
    });
    const before = await events();
    await expect(ledger.record(signature(reset - 1, 4))).rejects.toBeInstanceOf(SessionEndedError);
    expect(await events()).toBe(before);

    // A batch stands or falls whole: one stale login in it refuses all of it.
    await expect(
      ledger.recordAll([signature(reset, 5), signature(reset - 1, 6), signature(reset + 5, 7)]),
    ).rejects.toBeInstanceOf(SessionEndedError);
    expect(await events()).toBe(before);
    await setUser({ sessionsValidAfter: null });
  });

  it('refuses every signature of a disabled account, then of a key no longer active', async () => {
    const before = await events();
    await setUser({ disabledAt: new Date(clock.now()) });
    await expect(ledger.record(signature(clock.now(), 8))).rejects.toBeInstanceOf(
      SessionEndedError,
    );
    await setUser({ disabledAt: null });

    await ds.getRepository(KeyPairEntity).update({ id: keyId }, { activeUserId: null });
    await expect(ledger.record(signature(clock.now(), 9))).rejects.toBeInstanceOf(
      KeyNoLongerActiveError,
    );
    expect(await events()).toBe(before);
    await ds.getRepository(KeyPairEntity).update({ id: keyId }, { activeUserId: userId });

    // And signs again once both are undone, on a chain that still verifies.
    await ledger.record(signature(clock.now(), 10));
    expect(await events()).toBe(before + 1);
    const audit = new AuditService(runner, clock);
    expect((await audit.verify(ds.manager)).valid).toBe(true);
  });
});
