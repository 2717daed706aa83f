/**
 * The original report's whole flow, over DSS-SC1 with the SDK against the real service, with the
 * user registered by the operator command line — and every signature checked by real OpenSSL.
 */
import { DssClient } from '@dss/client';
import { AuditEventEntity } from '@dss/persistence';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dssAdmin } from './support/dss-admin';
import { startDss, type RunningDss } from './support/dss-server';
import { opensslVerify } from './support/openssl';

const NEW_PASSWORD = 'orchard-lantern-47-quietly';

describe("the original report's flow (e2e)", () => {
  let server: RunningDss;
  let env: { DSS_DATA_DIR: string; DSS_DATABASE_URL?: string };
  const client = () =>
    new DssClient({ baseUrl: server.url, serverPublicKey: server.identity.publicKeyPem });

  beforeAll(async () => {
    server = await startDss();
    env = { DSS_DATA_DIR: server.database.dataDir, DSS_DATABASE_URL: server.database.databaseUrl };
  });
  afterAll(async () => {
    await server.close();
  });

  it('register → first login → forced change → CreateKeys → SignDoc → GetPublicKey → DeleteKeys → allow-new-key', async () => {
    // Register with the operator command line: the temporary password is printed once.
    const added = await dssAdmin(['users', 'add', 'alice', '--json'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const { username, temporaryPassword, expiresAt } = added.json<{
      username: string;
      temporaryPassword: string;
      expiresAt: string;
    }>();
    expect(username).toBe('alice');
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);

    // First login: the session is must-change; only password change and logout are allowed.
    const alice = client();
    await alice.handshake();
    await expect(alice.login('alice', temporaryPassword)).resolves.toEqual({
      username: 'alice',
      mustChangePassword: true,
    });
    await expect(alice.createKeys()).rejects.toMatchObject({
      status: 403,
      code: 'password_change_required',
    });
    await expect(alice.changePassword(temporaryPassword, NEW_PASSWORD)).resolves.toEqual({
      changed: true,
    });

    // The session is open again: log in with the new password.
    await expect(alice.createKeys()).rejects.toMatchObject({
      status: 401,
      code: 'not_authenticated',
    });
    await expect(alice.login('alice', temporaryPassword)).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await expect(alice.login('alice', NEW_PASSWORD)).resolves.toEqual({
      username: 'alice',
      mustChangePassword: false,
    });

    const key = await alice.createKeys();
    expect(key).toMatchObject({
      algorithm: 'ecdsa-p256',
      keyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(key.publicKey).toContain('BEGIN PUBLIC KEY');
    expect(new Date(key.createdAt).toISOString()).toBe(key.createdAt);

    // SignDoc by document, by digest, and in P1363.
    const document = Buffer.from('Quarterly report — signed by DSS\n'.repeat(100));
    const digest = createHash('sha256').update(document).digest();
    const byDocument = await alice.sign({ document });
    const byDigest = await alice.sign({ digest });
    const p1363 = await alice.sign({ document }, 'p1363');
    expect(byDocument).toMatchObject({
      keyId: key.keyId,
      algorithm: 'ecdsa-p256-sha256',
      encoding: 'der',
    });
    expect(byDocument.digest.equals(digest)).toBe(true);
    expect(byDigest.digest.equals(digest)).toBe(true);
    expect(p1363.signature).toHaveLength(64);

    // Another user fetches alice's public key and verifies with plain OpenSSL.
    const bobPassword = (await dssAdmin(['users', 'add', 'bob', '--json'], env)).json<{
      temporaryPassword: string;
    }>().temporaryPassword;
    const bob = client();
    await bob.login('bob', bobPassword);
    await bob.changePassword(bobPassword, 'bob-has-a-much-better-password-9');
    await bob.login('bob', 'bob-has-a-much-better-password-9');
    const published = await bob.getPublicKey('alice');
    expect(published).toMatchObject({
      username: 'alice',
      keyId: key.keyId,
      publicKey: key.publicKey,
      fingerprint: key.fingerprint,
    });
    expect(opensslVerify(published.publicKey, document, byDocument.signature)).toEqual({
      ok: true,
      output: 'Verified OK',
    });
    expect(opensslVerify(published.publicKey, document, byDigest.signature)).toEqual({
      ok: true,
      output: 'Verified OK',
    });
    expect(
      opensslVerify(
        published.publicKey,
        Buffer.concat([document, Buffer.from('x')]),
        byDocument.signature,
      ).ok,
    ).toBe(false);

    // DeleteKeys: the key never signs again, and a new one needs an administrator.
    await expect(alice.deleteKeys()).resolves.toEqual({ keyId: key.keyId, deleted: true });
    await expect(alice.sign({ document })).rejects.toMatchObject({ status: 404, code: 'no_key' });
    await expect(bob.getPublicKey('alice')).rejects.toMatchObject({ status: 404, code: 'no_key' });
    await expect(alice.createKeys()).rejects.toMatchObject({ status: 409, code: 'key_deleted' });
    await expect(alice.deleteKeys()).rejects.toMatchObject({ status: 404, code: 'no_key' });

    const allowed = await dssAdmin(['users', 'allow-new-key', 'alice', '--json'], env);
    expect(allowed.code).toBe(0);
    const second = await alice.createKeys();
    expect(second.keyId).not.toBe(key.keyId);
    const again = await alice.sign({ document });
    expect(opensslVerify(second.publicKey, document, again.signature).ok).toBe(true);
    await expect(alice.createKeys()).rejects.toMatchObject({ status: 409, code: 'key_exists' });

    await expect(alice.logout()).resolves.toEqual({ loggedOut: true });
    // The deleted row keeps its id, fingerprint and deletion time — and no key material.
    const ds = server.app.get(DataSource);
    const [row] = await ds.query<Record<string, unknown>[]>(
      'SELECT public_key, private_key_wrapped, deleted, deleted_at, fingerprint FROM key_pairs WHERE id = ?',
      [key.keyId],
    );
    expect(row.public_key).toBeNull();
    expect(row.private_key_wrapped).toBeNull();
    expect(Boolean(Number(row.deleted))).toBe(true);
    expect(row.deleted_at).not.toBeNull();
    expect(row.fingerprint).toBe(key.fingerprint);
  });

  it('records the flow in an audit chain that verifies, and names an edited event', async () => {
    const ds = server.app.get(DataSource);
    const actions = (await ds.getRepository(AuditEventEntity).find({ order: { seq: 'ASC' } })).map(
      (e) => e.action,
    );
    for (const action of [
      'user.registered',
      'auth.login_succeeded',
      'auth.login_failed',
      'auth.password_changed',
      'key.created',
      'signature.issued',
      'key.deleted',
      'user.key_creation_allowed',
      'auth.logout',
    ]) {
      expect(actions).toContain(action);
    }
    // Every signature is recorded with its digest, never the document.
    const signatures = await ds
      .getRepository(AuditEventEntity)
      .find({ where: { action: 'signature.issued' } });
    expect(signatures).toHaveLength(4);
    for (const s of signatures)
      expect(JSON.parse(s.details)).toMatchObject({
        username: 'alice',
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

    const ok = await dssAdmin(['audit', 'verify', '--json'], env);
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ valid: true, firstInvalidSeq: null });

    const victim = signatures[1].seq;
    await ds.query('UPDATE audit_events SET details = ? WHERE seq = ?', [
      '{"digest":"0000","username":"mallory"}',
      victim,
    ]);
    const broken = await dssAdmin(['audit', 'verify', '--json'], env);
    expect(broken.code).toBe(5);
    expect(broken.json()).toMatchObject({ valid: false, firstInvalidSeq: victim });
  });
});
