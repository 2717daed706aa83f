/**
 * Deletion with a grace period (DSS_KEY_DELETION_GRACE, docs/OPERATIONS.md "Key lifecycle"):
 * DeleteKeys disables the key at once, an administrator can cancel until it is due (admin API
 * and `dss-admin keys cancel-deletion`), and the sweeper destroys the material when due. The
 * clock is injected and set, never slept.
 */
import { type DssClient } from '@dss/client';
import { ManualClock } from '@dss/common';
import { AuditEventEntity, CertificateEntity, KeyPairEntity } from '@dss/persistence';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { KeyDeletionSweeper } from '../apps/dss/src/keys/key-deletion-sweeper';
import { firstLogin } from './support/admin-api';
import { startAdmin, type RunningAdmin } from './support/admin-server';
import { dssAdmin } from './support/dss-admin';
import { startDss, type RunningDss } from './support/dss-server';
import { registeredEmployee } from './support/employee';
import { dssApiErrorOf } from './support/thrown';

const PASSWORD = 'orchard-lantern-47-quietly';
const ADMIN_PASSWORD = 'bootstrap-admin-password-1';
const ADMIN_NEW_PASSWORD = 'the-admin-chose-this-one-9';
const WEEK_MS = 7 * 86_400_000;

describe('key deletion with a grace period (e2e)', () => {
  let dss: RunningDss;
  let admin: RunningAdmin;
  let clock: ManualClock;
  let token: string;
  let kim: DssClient;

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    dss = await startDss({ clock, env: { DSS_KEY_DELETION_GRACE: '7d' } });
    admin = await startAdmin({
      clock,
      database: dss.database,
      env: { DSS_ADMIN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD, DSS_KEY_DELETION_GRACE: '7d' },
    });
    token = await firstLogin(admin.url, 'admin', ADMIN_PASSWORD, ADMIN_NEW_PASSWORD);

    kim = await registeredEmployee(dss, 'kim', PASSWORD);
  });
  afterAll(async () => {
    await admin?.close();
    await dss?.close();
  });

  const api = () => request(admin.url);
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const rowOf = (keyId: string) =>
    dss.app
      .get(DataSource)
      .getRepository(KeyPairEntity)
      .createQueryBuilder('k')
      .addSelect('k.privateKeyWrapped')
      .where('k.id = :keyId', { keyId })
      .getOneOrFail();

  it('disables the key at once; an administrator cancels and it signs again', async () => {
    const key = await kim.createKeys();
    await kim.sign({ document: Buffer.from('before') });
    const deleted = await kim.deleteKeys();
    expect(deleted).toEqual({
      keyId: key.keyId,
      deleted: true,
      deletionDueAt: new Date(clock.now() + WEEK_MS).toISOString(),
    });
    // Disabled at once: the signing path refuses it, the key is pending deletion.
    expect(await dssApiErrorOf(kim.sign({ document: Buffer.from('during') }))).toMatchObject({
      status: 404,
      code: 'no_key',
    });
    expect(await kim.getPublicKey(undefined, { keyId: key.keyId })).toMatchObject({
      status: 'pending_deletion',
      publicKey: key.publicKey,
    });
    expect((await rowOf(key.keyId)).privateKeyWrapped).not.toBeNull();

    const pending = await api().get('/api/keys/pending-deletions').set(auth()).expect(200);
    expect(pending.body.items).toEqual([
      expect.objectContaining({ username: 'kim', keyId: key.keyId, dueAt: deleted.deletionDueAt }),
    ]);
    const inventory = await api().get('/api/keys?username=kim').set(auth()).expect(200);
    expect(inventory.body.items[0]).toMatchObject({
      keyId: key.keyId,
      status: 'pending_deletion',
      deletionDueAt: deleted.deletionDueAt,
    });

    await api()
      .post('/api/keys/pending-deletions/kim/cancel')
      .set(auth())
      .expect(200)
      .expect((r) => expect(r.body).toMatchObject({ username: 'kim', keyId: key.keyId }));
    const again = await kim.sign({ document: Buffer.from('after the cancel') });
    expect(again.keyId).toBe(key.keyId);
    await api().post('/api/keys/pending-deletions/kim/cancel').set(auth()).expect(404);
    const events = await dss.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .find({ where: { subject: key.keyId } });
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['key.deletion_scheduled', 'key.deletion_cancelled']),
    );
    expect(events.find((e) => e.action === 'key.deletion_cancelled')!.actor).toBe('admin');
  });

  it('cancels with dss-admin keys cancel-deletion too', async () => {
    const { keyId } = await kim.deleteKeys();
    const env = { DSS_DATA_DIR: dss.database.dataDir, DSS_DATABASE_URL: dss.database.databaseUrl };
    const listed = await dssAdmin(['keys', 'pending-deletions', '--json'], env);
    expect(listed.code).toBe(0);
    expect(listed.json<{ items: { keyId: string }[] }>().items.map((i) => i.keyId)).toEqual([
      keyId,
    ]);
    const cancelled = await dssAdmin(['keys', 'cancel-deletion', 'kim', '--json'], env);
    expect({ code: cancelled.code, stderr: cancelled.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cancelled.json()).toMatchObject({ cancelled: true, username: 'kim', keyId });
    expect((await kim.sign({ document: Buffer.from('x') })).keyId).toBe(keyId);
    const none = await dssAdmin(['keys', 'cancel-deletion', 'kim'], env);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('no key deletion of kim is pending');
  });

  it('destroys the material when due, not before; then nothing can cancel it', async () => {
    const { keyId, deletionDueAt } = await kim.deleteKeys();
    const sweeper = dss.app.get(KeyDeletionSweeper);
    clock.advance(WEEK_MS - 1);
    expect(await sweeper.sweep()).toBe(0);
    expect((await rowOf(keyId)).privateKeyWrapped).not.toBeNull();

    clock.advance(1);
    expect(await sweeper.sweep()).toBe(1);
    const row = await rowOf(keyId);
    expect(row).toMatchObject({
      deleted: true,
      publicKey: null,
      privateKeyWrapped: null,
      deletionDueAt: null,
    });
    expect(row.deletedAt!.toISOString()).toBe(
      new Date(Date.parse(deletionDueAt!) - WEEK_MS).toISOString(),
    );
    const certificate = await dss.app
      .get(DataSource)
      .getRepository(CertificateEntity)
      .findOneByOrFail({ keyId });
    expect(certificate.revokedAt).not.toBeNull();
    const destroyed = await dss.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ subject: keyId, action: 'key.deleted' });
    expect(destroyed.actorType).toBe('system');
    expect(await sweeper.sweep()).toBe(0);
    const env = { DSS_DATA_DIR: dss.database.dataDir, DSS_DATABASE_URL: dss.database.databaseUrl };
    expect((await dssAdmin(['keys', 'cancel-deletion', 'kim'], env)).code).not.toBe(0);
  });
});
