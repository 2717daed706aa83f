/**
 * The admin app end to end, with the employee API on the same database: the bootstrap admin's
 * forced password change, registering a user who then works through the SDK, and an auditor's
 * question "who deleted which key, when, and was a new one allowed?" answered from the API.
 */
import { DssClient } from '@dss/client';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startAdmin, type RunningAdmin } from './support/admin-server';
import { startDss, type RunningDss } from './support/dss-server';

const ADMIN_PASSWORD = 'harbour-compass-71-lantern';
const ALICE_PASSWORD = 'orchard-lantern-47-quietly';

describe('admin app: the user lifecycle (e2e)', () => {
  let dss: RunningDss;
  let admin: RunningAdmin;
  let token: string;
  const api = () => request(admin.url);
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

  beforeAll(async () => {
    dss = await startDss();
    admin = await startAdmin({ database: dss.database, env: { DSS_LOGIN_RATE_LIMIT: '0' } });
  });
  afterAll(async () => {
    await admin?.close();
    await dss?.close();
  });

  it('creates the bootstrap admin with a generated password in a 0600 file, named in the log', async () => {
    const file = join(dss.database.dataDir, 'initial-admin-password');
    expect(admin.bootstrap).toEqual({
      created: true,
      username: 'admin',
      passwordSource: 'generated',
      passwordFile: file,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password.replace(/-/g, '')).toHaveLength(26);
    expect(admin.logs()).toContain(file);
    expect(admin.logs()).not.toContain(password);

    const login = await api()
      .post('/api/auth/login')
      .send({ username: 'admin', password })
      .expect(200);
    expect(login.body).toMatchObject({
      username: 'admin',
      role: 'admin',
      mustChangePassword: true,
      session: 'bearer',
      tokenType: 'Bearer',
      expiresIn: 28800,
      idleTimeoutSeconds: 1800,
    });
    expect(login.body.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(admin.logs()).not.toContain(login.body.accessToken);
    token = login.body.accessToken;
  });

  it('allows nothing but a password change until the admin has chosen a password', async () => {
    const initial = readFileSync(admin.bootstrap.passwordFile!, 'utf8').trim();
    for (const [method, path] of [
      ['get', '/api/users'],
      ['post', '/api/users'],
      ['get', '/api/audit/verify'],
      ['get', '/api/auth/me'],
    ] as const) {
      const r = await api()[method](path).set(bearer(token)).send({ username: 'x' });
      expect([path, r.status, r.body.error.code]).toEqual([path, 403, 'password_change_required']);
    }
    const weak = await api()
      .post('/api/auth/password')
      .set(bearer(token))
      .send({ currentPassword: initial, newPassword: 'password1234' })
      .expect(422);
    expect(weak.body.error.code).toBe('weak_password');
    const changed = await api()
      .post('/api/auth/password')
      .set(bearer(token))
      .send({ currentPassword: initial, newPassword: ADMIN_PASSWORD })
      .expect(200);
    expect(changed.body).toEqual({ changed: true, revokedSessions: 1 });
    // The change ended the session, and the generated password is gone from disk.
    expect((await api().get('/api/users').set(bearer(token))).status).toBe(401);
    expect(existsSync(admin.bootstrap.passwordFile!)).toBe(false);
    await api().post('/api/auth/login').send({ username: 'admin', password: initial }).expect(401);
    const again = await api()
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
    expect(again.body.mustChangePassword).toBe(false);
    token = again.body.accessToken;
  });

  it('registers a user who logs in with the SDK, creates and deletes keys; the deletion is listed; allow-new-key lets them create a new pair', async () => {
    const registered = await api()
      .post('/api/users')
      .set(bearer(token))
      .send({ username: 'Alice' })
      .expect(201);
    expect(Object.keys(registered.body).sort()).toEqual([
      'temporaryPassword',
      'temporaryPasswordExpiresAt',
      'username',
    ]);
    expect(registered.body.username).toBe('alice');
    const { temporaryPassword } = registered.body as { temporaryPassword: string };
    expect(admin.logs()).not.toContain(temporaryPassword);

    const listed = await api().get('/api/users?search=ali').set(bearer(token)).expect(200);
    expect(listed.body).toMatchObject({ total: 1, offset: 0, limit: 50 });
    expect(listed.body.items[0]).toMatchObject({
      username: 'alice',
      status: 'must_change_password',
      keyStatus: 'none',
    });
    expect(JSON.stringify(listed.body)).not.toContain(temporaryPassword);

    // The employee, through the SDK against the employee API on the same database.
    const alice = new DssClient({ baseUrl: dss.url, serverPublicKey: dss.identity.publicKeyPem });
    await expect(alice.login('alice', temporaryPassword)).resolves.toMatchObject({
      mustChangePassword: true,
    });
    await alice.changePassword(temporaryPassword, ALICE_PASSWORD);
    await alice.login('alice', ALICE_PASSWORD);
    const first = await alice.createKeys();

    const active = await api().get('/api/users/alice').set(bearer(token)).expect(200);
    expect(active.body).toMatchObject({
      status: 'active',
      keyStatus: 'active',
      keyCreationBlocked: false,
      deletedKeys: 0,
      activeKey: { keyId: first.keyId, fingerprint: first.fingerprint, algorithm: 'ecdsa-p256' },
    });

    const before = Date.now();
    await alice.deleteKeys();
    const after = Date.now();
    await expect(alice.createKeys()).rejects.toMatchObject({ status: 409, code: 'key_deleted' });
    const blocked = await api().get('/api/users/alice').set(bearer(token)).expect(200);
    expect(blocked.body).toMatchObject({
      keyStatus: 'deleted',
      keyCreationBlocked: true,
      deletedKeys: 1,
      activeKey: null,
    });

    // The auditor's question: who deleted which key, when — and was a new one allowed?
    const deletions = await api().get('/api/audit/key-deletions').set(bearer(token)).expect(200);
    expect(deletions.body).toMatchObject({ total: 1, unrecorded: [] });
    const [deletion] = deletions.body.items;
    expect(deletion).toMatchObject({
      username: 'alice',
      keyId: first.keyId,
      fingerprint: first.fingerprint,
      deletedBy: 'alice',
      deletedByType: 'user',
      newKeyAllowed: false,
      allowedAt: null,
      allowedBy: null,
      consistent: true,
    });
    const deletedAt = Date.parse(deletion.deletedAt);
    expect(deletedAt).toBeGreaterThanOrEqual(before - 5);
    expect(deletedAt).toBeLessThanOrEqual(after + 5);
    expect(Math.abs(Date.parse(deletion.recordDeletedAt) - deletedAt)).toBeLessThan(1000);

    const allowed = await api()
      .post('/api/users/alice/allow-new-key')
      .set(bearer(token))
      .expect(200);
    expect(allowed.body).toMatchObject({
      changed: true,
      user: { keyStatus: 'none', keyCreationBlocked: false },
    });
    const second = await alice.createKeys();
    expect(second.keyId).not.toBe(first.keyId);

    const afterAllow = await api()
      .get('/api/audit/key-deletions?username=alice')
      .set(bearer(token))
      .expect(200);
    expect(afterAllow.body.items[0]).toMatchObject({
      keyId: first.keyId,
      newKeyAllowed: true,
      allowedBy: 'admin',
      allowedSeq: expect.any(Number),
    });
    expect(Date.parse(afterAllow.body.items[0].allowedAt)).toBeGreaterThanOrEqual(deletedAt);

    // The inventory: both pairs, newest first, metadata only.
    const keys = await api().get('/api/keys?username=alice').set(bearer(token)).expect(200);
    expect(keys.body.total).toBe(2);
    expect(
      (keys.body.items as { keyId: string; status: string }[]).map((k) => [k.keyId, k.status]),
    ).toEqual([
      [second.keyId, 'active'],
      [first.keyId, 'deleted'],
    ]);
    expect(Object.keys(keys.body.items[0]).sort()).toEqual([
      'algorithm',
      'certificate',
      'createdAt',
      'deletedAt',
      'deletionDueAt',
      'fingerprint',
      'kekId',
      'keyId',
      'retiredAt',
      'status',
      'username',
    ]);
    expect(JSON.stringify(keys.body)).not.toMatch(/PRIVATE|PUBLIC KEY|wrapped/i);
    // Each pair's certificate: serial and validity; the deleted pair's is revoked.
    const [activeCert, deletedCert] = (
      keys.body.items as { certificate: { serial: string; revokedAt: string | null } }[]
    ).map((k) => k.certificate);
    expect(activeCert).toMatchObject({
      serial: expect.stringMatching(/^[0-9a-f]{32}$/),
      revokedAt: null,
    });
    expect(deletedCert.revokedAt).toEqual(expect.any(String));
    const onlyDeleted = await api().get('/api/keys?status=deleted').set(bearer(token)).expect(200);
    expect((onlyDeleted.body.items as { keyId: string }[]).map((k) => k.keyId)).toEqual([
      first.keyId,
    ]);

    // Every admin write is in the trail with the operator as actor, and the chain holds.
    const events = await api()
      .get('/api/audit/events?actor=admin&actorType=operator')
      .set(bearer(token))
      .expect(200);
    const actions = (events.body.items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'operator.password_changed',
        'user.registered',
        'user.key_creation_allowed',
      ]),
    );
    const verify = await api().get('/api/audit/verify').set(bearer(token)).expect(200);
    expect(verify.body).toMatchObject({ valid: true, firstInvalidSeq: null });
  });
});
