/**
 * The master key inside a PKCS#11 token (SoftHSM2, initialised here with `softhsm2-util`):
 * users' private keys are wrapped and unwrapped inside the token with CKM_AES_GCM, the KEK is
 * a sensitive, non-extractable token object, the database holds only wrapped material, and
 * `dss-admin master-key rotate --to pkcs11|file` moves every key into the token and back.
 *
 * The module reads SOFTHSM2_CONF from the process environment, which a test cannot set for its
 * own (sandboxed) process: the service runs here as the built process, as in production.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileKek, KeyUnwrapError, unwrapPrivateKey } from '@dss/keystore';
import { openDataSource } from '@dss/persistence';
import { signAs, userWithKey, type UserWithKey } from './support/custody';
import { createTestDatabase, type TestDatabase } from './support/database';
import { dssAdmin } from './support/dss-admin';
import { startDss } from './support/dss-server';
import { opensslVerify } from './support/openssl';
import { freePort, REPO_ROOT, spawnNode } from './support/spawn';
import { createSoftHsmToken, SOFTHSM_MODULE, type SoftHsmToken } from './support/softhsm';

const ENTRY = 'dist/apps/dss/src/main.js';
const KEY_LABEL = 'dss-kek-test';

interface Moved {
  newKekId: string;
  kind: string;
  rewrapped: number;
  retiredKekIds: string[];
  remainingByKek: Record<string, number>;
}

// SoftHSM2 is a Debian package that .ci/run installs; on a machine without it these tests are
// skipped with this reason rather than passing vacuously.
const describeHsm = SOFTHSM_MODULE !== undefined ? describe : describe.skip;

describeHsm('the master key in a PKCS#11 token (SoftHSM2, e2e)', () => {
  let token: SoftHsmToken;
  let db: TestDatabase;
  let env: { DSS_DATA_DIR: string; DSS_DATABASE_URL?: string };
  let hsm: Record<string, string>;
  let alice: UserWithKey;
  let bob: UserWithKey;
  let tokenKekId: string;

  beforeAll(async () => {
    token = createSoftHsmToken();
    process.env.SOFTHSM2_CONF = token.conf; // read by the module loaded in this process
    db = await createTestDatabase();
    env = { DSS_DATA_DIR: db.dataDir, DSS_DATABASE_URL: db.databaseUrl };
    hsm = {
      DSS_KEK_PKCS11_MODULE: token.module,
      DSS_KEK_PKCS11_TOKEN_LABEL: token.label,
      DSS_KEK_PKCS11_PIN_FILE: token.pinFile,
      DSS_KEK_PKCS11_KEY_LABEL: KEY_LABEL,
    };
    const first = await startDss({ database: db });
    try {
      alice = await userWithKey(first, env, 'alice');
    } finally {
      await first.close();
    }
  });
  afterAll(async () => {
    await db?.drop();
    token?.remove();
  });

  /** The built service on the test database, with `extra` variables. */
  async function startBuilt(extra: Record<string, string>) {
    const port = await freePort();
    const run = spawnNode([ENTRY], {
      ...env,
      ...extra,
      SOFTHSM2_CONF: token.conf,
      DSS_HOST: '127.0.0.1',
      DSS_PORT: String(port),
      DSS_BCRYPT_COST: '10',
    });
    try {
      const [, url] = await run.waitFor(/listening on (http:\/\/\S+)/);
      const publicKeyPem = readFileSync(join(db.dataDir, 'dss_public.pem'), 'utf8');
      return { url, identity: { publicKeyPem }, stop: () => run.stop() };
    } catch (err) {
      await run.stop();
      throw err;
    }
  }

  /** The one line the built service exits 1 with. */
  async function startRefused(extra: Record<string, string>): Promise<string> {
    const run = spawnNode([ENTRY], { ...env, ...extra, SOFTHSM2_CONF: token.conf, DSS_PORT: '0' });
    expect(await run.exited).toBe(1);
    expect(run.stdout()).toBe('');
    return run.stderr();
  }

  async function rawKeyPairs(): Promise<
    { id: string; user_id: number; kek_id: string; blob: Buffer }[]
  > {
    const ds = await openDataSource({
      databaseUrl: db.databaseUrl,
      dataDir: db.dataDir,
      migrationsRun: false,
    });
    try {
      const rows: { id: string; user_id: number; kek_id: string; private_key_wrapped: Buffer }[] =
        await ds.query('SELECT id, user_id, kek_id, private_key_wrapped FROM key_pairs');
      return rows.map((r) => ({ ...r, blob: Buffer.from(r.private_key_wrapped) }));
    } finally {
      await ds.destroy();
    }
  }

  it('refuses a start with the token configured but no key in it, in one clear line', async () => {
    expect(await startRefused(hsm)).toBe(
      `dss: cannot start: PKCS#11 master key: no AES key labelled "${KEY_LABEL}" in the token; create it with \`dss-admin master-key rotate --to pkcs11\`\n`,
    );
  });

  it('rotate --to pkcs11 creates the KEK inside the token and re-wraps every key there', async () => {
    const r = await dssAdmin(['master-key', 'rotate', '--to', 'pkcs11', '--json'], {
      ...env,
      ...hsm,
      SOFTHSM2_CONF: token.conf,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const moved = r.json<Moved>();
    expect(moved).toMatchObject({ kind: 'pkcs11', rewrapped: 1, remainingByKek: {} });
    tokenKekId = moved.newKekId;
    expect(tokenKekId).toMatch(/^[0-9a-f]{16}$/);

    // The database holds only wrapped material, under the token's key: the file key that
    // wrapped it before cannot open it, and it is no private key in any encoding.
    const fileKek = new FileKek(
      Buffer.from(
        readFileSync(join(db.dataDir, 'master.key'), 'utf8')
          .split('\n')
          .find((l) => /^[0-9a-f]{64}$/.test(l))!,
        'hex',
      ),
    );
    const [row] = await rawKeyPairs();
    expect(row.kek_id).toBe(tokenKekId);
    expect(row.blob[0]).toBe(0x01);
    expect(() => unwrapPrivateKey(fileKek, row.id, Number(row.user_id), row.blob)).toThrow(
      KeyUnwrapError,
    );
    expect(() => createPrivateKey({ key: row.blob, format: 'der', type: 'pkcs8' })).toThrow();
    expect(row.blob.toString('latin1')).not.toContain('PRIVATE KEY');

    // The KEK is a sensitive, non-extractable token object: its value cannot be read out.
    const probe = spawnSync(
      process.execPath,
      [
        '-e',
        `
        const p11 = require('pkcs11js');
        const lib = new p11.PKCS11(); lib.load(process.argv[1]); lib.C_Initialize();
        const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === process.argv[2]);
        const s = lib.C_OpenSession(slot, p11.CKF_SERIAL_SESSION);
        lib.C_Login(s, p11.CKU_USER, process.argv[3]);
        lib.C_FindObjectsInit(s, [{ type: p11.CKA_LABEL, value: process.argv[4] }]);
        const keys = lib.C_FindObjects(s, 10); lib.C_FindObjectsFinal(s);
        const [a] = [lib.C_GetAttributeValue(s, keys[0], [{ type: p11.CKA_SENSITIVE }, { type: p11.CKA_EXTRACTABLE }, { type: p11.CKA_TOKEN }])];
        let value = 'readable';
        try { lib.C_GetAttributeValue(s, keys[0], [{ type: p11.CKA_VALUE }]); } catch (e) { value = e.message.split(':')[0]; }
        console.log(JSON.stringify({ n: keys.length, flags: a.map((x) => x.value[0]), value }));
        lib.C_Finalize();
        `,
        token.module,
        token.label,
        token.pin,
        KEY_LABEL,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, SOFTHSM2_CONF: token.conf }, encoding: 'utf8' },
    );
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout)).toEqual({
      n: 1,
      flags: [1, 0, 1],
      value: 'CKR_ATTRIBUTE_SENSITIVE',
    });
  });

  it('without the token configured the start is refused: the keys need the token key', async () => {
    const line = await startRefused({});
    expect(line).toMatch(
      /^dss: cannot start: wrong master key: 1 key pair in the database is wrapped under master key /,
    );
    expect(line).toContain(tokenKekId);
  });

  it('a wrong PIN stops the start with a clear line that does not echo the PIN', async () => {
    const wrong = { ...hsm, DSS_KEK_PKCS11_PIN_FILE: '', DSS_KEK_PKCS11_PIN: '9999-not-it' };
    const line = await startRefused(wrong);
    expect(line).toBe(
      'dss: cannot start: PKCS#11 master key: the token rejected the PIN (DSS_KEK_PKCS11_PIN / _PIN_FILE)\n',
    );
    expect(line).not.toContain('9999-not-it');
    const doctor = await dssAdmin(['doctor'], { ...env, ...wrong, SOFTHSM2_CONF: token.conf });
    expect(doctor.code).toBe(6);
    expect(doctor.stdout).toMatch(
      /^FAIL master key: PKCS#11 master key: the token rejected the PIN/m,
    );
  });

  it('the service signs with keys unwrapped inside the token and wraps new keys there', async () => {
    const server = await startBuilt(hsm);
    try {
      const doc = Buffer.from('signed with a key unwrapped inside the token');
      expect(opensslVerify(alice.publicKey, doc, await signAs(server, alice, doc)).ok).toBe(true);
      bob = await userWithKey(server, { ...env, ...hsm, SOFTHSM2_CONF: token.conf }, 'bob');
      const rows = await rawKeyPairs();
      expect(rows.map((r) => r.kek_id)).toEqual([tokenKekId, tokenKekId]);
      const doc2 = Buffer.from('bob signs too');
      expect(opensslVerify(bob.publicKey, doc2, await signAs(server, bob, doc2)).ok).toBe(true);

      // A subkey for another purpose: derived inside the token, the same on every instance
      // (two processes, two rings), different per label.
      const derive = (): string[] => {
        const r = spawnSync(
          process.execPath,
          [
            '-e',
            `
            const { loadConfig } = require('./dist/libs/config/src');
            const { MasterKeyRing } = require('./dist/libs/keystore/src');
            const ring = MasterKeyRing.load(loadConfig(process.env));
            console.log(JSON.stringify([
              ring.current().id,
              ring.deriveSubkey('redis-session-seal').toString('hex'),
              ring.deriveSubkey('another-purpose').toString('hex'),
            ]));
            ring.close();
            `,
          ],
          {
            cwd: REPO_ROOT,
            env: { PATH: process.env.PATH, ...env, ...hsm, SOFTHSM2_CONF: token.conf },
            encoding: 'utf8',
          },
        );
        expect(r.stderr).toBe('');
        return JSON.parse(r.stdout) as string[];
      };
      const [id, a, b] = derive();
      expect(id).toBe(tokenKekId);
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(b).toMatch(/^[0-9a-f]{64}$/);
      expect(b).not.toBe(a);
      expect(derive()).toEqual([id, a, b]);

      const doctor = await dssAdmin(['doctor', '--json'], {
        ...env,
        ...hsm,
        SOFTHSM2_CONF: token.conf,
      });
      expect(doctor.code).toBe(0);
      expect(
        doctor
          .json<{ checks: { check: string; detail: string }[] }>()
          .checks.find((c) => c.check === 'master key')?.detail,
      ).toMatch(new RegExp(`^current ${tokenKekId} \\(pkcs11\\), 2 key pair\\(s\\) under it`));
    } finally {
      await server.stop();
    }
  });

  it('rotate --to file moves every key out of the token into a new file key; the service runs without the token', async () => {
    const r = await dssAdmin(['master-key', 'rotate', '--to', 'file', '--json'], {
      ...env,
      ...hsm,
      SOFTHSM2_CONF: token.conf,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const moved = r.json<Moved>();
    expect(moved).toMatchObject({ kind: 'file', rewrapped: 2, remainingByKek: {} });
    expect(moved.retiredKekIds).toContain(tokenKekId);
    expect((await rawKeyPairs()).map((row) => row.kek_id)).toEqual([
      moved.newKekId,
      moved.newKekId,
    ]);

    const server = await startBuilt({});
    try {
      const doc = Buffer.from('back on a file key');
      expect(opensslVerify(alice.publicKey, doc, await signAs(server, alice, doc)).ok).toBe(true);
      expect(opensslVerify(bob.publicKey, doc, await signAs(server, bob, doc)).ok).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
