/** The operator command line `dss-admin`, spawned as built, against the configured database. */
import { DssClient } from '@dss/client';
import { KeyPairEntity } from '@dss/persistence';
import { DataSource } from 'typeorm';
import { dssAdmin } from './support/dss-admin';
import { startDss, type RunningDss } from './support/dss-server';
import { opensslVerify } from './support/openssl';

interface Credential {
  username: string;
  temporaryPassword: string;
  expiresAt: string;
}
interface Listed {
  users: { username: string; status: string; keyCreationBlocked: boolean }[];
}

describe('dss-admin (e2e)', () => {
  let server: RunningDss;
  let env: { DSS_DATA_DIR: string; DSS_DATABASE_URL?: string };
  beforeAll(async () => {
    server = await startDss();
    env = { DSS_DATA_DIR: server.database.dataDir, DSS_DATABASE_URL: server.database.databaseUrl };
  });
  afterAll(async () => {
    await server.close();
  });

  it('registers a user and prints the temporary password once, readable or as JSON', async () => {
    const text = await dssAdmin(['users', 'add', 'olivia'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Registered olivia\.\nTemporary password \(shown once\): \S{20,}\nExpires: \d{4}-/,
    );
    const json = await dssAdmin(['users', 'add', 'peggy', '--json'], env);
    expect(json.code).toBe(0);
    const cred = json.json<Credential>();
    expect(Object.keys(cred).sort()).toEqual(['expiresAt', 'temporaryPassword', 'username']);
    expect(cred.username).toBe('peggy');
    // At least 128 random bits, not the report's guessable `usernametempXXXX`.
    expect(cred.temporaryPassword.replace(/-/g, '').length).toBeGreaterThanOrEqual(26);
    expect(cred.temporaryPassword.toLowerCase()).not.toContain('peggy');
  });

  it('refuses a duplicate (exit 4) and an invalid username (exit 2) with a clear message', async () => {
    const dup = await dssAdmin(['users', 'add', 'olivia', '--json'], env);
    expect(dup.code).toBe(4);
    expect(dup.stdout).toBe('');
    expect(dup.stderr).toMatch(/^dss-admin: .*olivia.*already exists.*\n$/);
    for (const bad of ['Bad Name!', 'ab', 'x'.repeat(65), 'semi;colon']) {
      const r = await dssAdmin(['users', 'add', bad], env);
      expect([bad, r.code]).toEqual([bad, 2]);
      expect(r.stderr).toMatch(/^dss-admin: .*username/i);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('answers usage errors with exit 2 and --help with exit 0', async () => {
    expect((await dssAdmin(['users', 'add'], env)).code).toBe(2);
    expect((await dssAdmin(['frobnicate'], env)).code).toBe(2);
    expect((await dssAdmin(['users', 'list', '--status', 'sleepy'], env)).code).toBe(2);
    const help = await dssAdmin(['users', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('allow-new-key');
  });

  it('lists, disables, enables and resets users; unknown users exit 3', async () => {
    let listed = (await dssAdmin(['users', 'list', '--json'], env)).json<Listed>();
    expect(listed.users.find((u) => u.username === 'olivia')).toMatchObject({
      status: 'must_change_password',
    });
    expect((await dssAdmin(['users', 'disable', 'olivia', '--json'], env)).json()).toMatchObject({
      username: 'olivia',
      status: 'disabled',
    });
    listed = (
      await dssAdmin(['users', 'list', '--status', 'disabled', '--json'], env)
    ).json<Listed>();
    expect(listed.users.map((u) => u.username)).toEqual(['olivia']);
    expect((await dssAdmin(['users', 'enable', 'olivia', '--json'], env)).code).toBe(0);
    const first = (
      await dssAdmin(['users', 'reset-password', 'peggy', '--json'], env)
    ).json<Credential>();
    const second = (
      await dssAdmin(['users', 'reset-password', 'peggy', '--json'], env)
    ).json<Credential>();
    expect(first.temporaryPassword).not.toBe(second.temporaryPassword);
    const missing = await dssAdmin(['users', 'disable', 'nobody-here'], env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^dss-admin: no such user/);
    expect((await dssAdmin(['users', 'list'], env)).stdout).toMatch(
      /olivia\s+must_change_password/,
    );
  });

  it('rotates the master key and re-wraps every key pair without losing one', async () => {
    const cred = (await dssAdmin(['users', 'add', 'quentin', '--json'], env)).json<Credential>();
    const q = new DssClient({ baseUrl: server.url, serverPublicKey: server.identity.publicKeyPem });
    await q.login('quentin', cred.temporaryPassword);
    await q.changePassword(cred.temporaryPassword, 'quentin-chooses-a-good-one-8');
    await q.login('quentin', 'quentin-chooses-a-good-one-8');
    const key = await q.createKeys();

    const before = (await dssAdmin(['master-key', 'status', '--json'], env)).json<{
      current: string;
      usage: Record<string, number>;
    }>();
    expect(before.usage[before.current]).toBe(1);
    const rotated = await dssAdmin(['master-key', 'rotate', '--json'], env);
    expect(rotated.code).toBe(0);
    const { newKekId, rewrapped } = rotated.json<{ newKekId: string; rewrapped: number }>();
    expect(newKekId).not.toBe(before.current);
    expect(rewrapped).toBe(1);
    const rows = await server.app.get(DataSource).getRepository(KeyPairEntity).find();
    expect(rows.map((r) => r.kekId)).toEqual([newKekId]);

    // A fresh instance (cold caches) unwraps the re-wrapped key and signs with it.
    const restarted = await startDss({ database: server.database });
    try {
      const again = new DssClient({
        baseUrl: restarted.url,
        serverPublicKey: restarted.identity.publicKeyPem,
      });
      await again.login('quentin', 'quentin-chooses-a-good-one-8');
      const doc = Buffer.from('after rotation');
      const sig = await again.sign({ document: doc });
      expect(opensslVerify(key.publicKey, doc, sig.signature).ok).toBe(true);
    } finally {
      await restarted.close();
    }
    // The running instance picks the new key up for the next key it wraps.
    const cred2 = (await dssAdmin(['users', 'add', 'rupert', '--json'], env)).json<Credential>();
    const r = new DssClient({ baseUrl: server.url, serverPublicKey: server.identity.publicKeyPem });
    await r.login('rupert', cred2.temporaryPassword);
    await r.changePassword(cred2.temporaryPassword, 'rupert-also-has-a-good-one-5');
    await r.login('rupert', 'rupert-also-has-a-good-one-5');
    const rk = await r.createKeys();
    expect(
      (
        await server.app
          .get(DataSource)
          .getRepository(KeyPairEntity)
          .findOneByOrFail({ id: rk.keyId })
      ).kekId,
    ).toBe(newKekId);
  });

  it('verifies the audit trail, which records the operator commands', async () => {
    const r = await dssAdmin(['audit', 'verify'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Audit trail intact: \d+ event\(s\), head [0-9a-f]{64}; consistent with \d+ signed checkpoint\(s\), the latest of size \d+\.\n$/,
    );
    const actions = await server.app
      .get(DataSource)
      .query<{ action: string }[]>(
        "SELECT action, actor FROM audit_events WHERE actor LIKE 'cli:%'",
      );
    expect(new Set(actions.map((a) => a.action))).toEqual(
      new Set([
        'user.registered',
        'user.disabled',
        'user.enabled',
        'user.password_reset',
        'user.listed',
        'keystore.status_read',
        'keystore.master_key_rotated',
        'audit.verified',
      ]),
    );
  });

  it('stops on a bad configuration value with one line and exit 1', async () => {
    const r = await dssAdmin(['users', 'list'], { ...env, DSS_BCRYPT_COST: '5' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'dss-admin: configuration error: DSS_BCRYPT_COST: expected an integer between 10 and 16, got "5"\n',
    );
  });
});
