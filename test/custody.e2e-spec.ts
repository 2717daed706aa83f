/**
 * Custody that fails safe (DESIGN.md §4): on an installation that already has users and keys,
 * a missing master key, pepper or server key stops the start with one clear line instead of a
 * silent new secret; a wrong master key is caught at start by the key check value; an empty
 * key file left by an interrupted write is refused, not trusted; `dss-admin doctor` reports
 * all of it on a running or stopped installation.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '@dss/common';
import { loadConfig } from '@dss/config';
import { createAdminApp } from '../apps/admin/src/admin.app';
import { signAs, startRefused, userWithKey, type UserWithKey } from './support/custody';
import { createTestDatabase, type TestDatabase } from './support/database';
import { dssAdmin } from './support/dss-admin';
import { startAdmin } from './support/admin-server';
import { startDss } from './support/dss-server';
import { opensslVerify } from './support/openssl';
import { spawnNode } from './support/spawn';
import { DataSource } from 'typeorm';

interface Doctor {
  ok: boolean;
  checks: { check: string; status: 'ok' | 'warn' | 'fail'; detail: string }[];
}

describe('custody that fails safe (e2e)', () => {
  let db: TestDatabase;
  let env: { DSS_DATA_DIR: string; DSS_DATABASE_URL?: string };
  let alice: UserWithKey;
  const file = (name: string) => join(db.dataDir, name);

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DSS_DATA_DIR: db.dataDir, DSS_DATABASE_URL: db.databaseUrl };
    const first = await startDss({ database: db });
    try {
      alice = await userWithKey(first, env, 'alice');
    } finally {
      await first.close();
    }
  });
  afterAll(async () => {
    await db.drop();
  });

  /** Runs `check` with `name` moved away, then puts it back. */
  async function without(name: string, check: () => Promise<void>): Promise<void> {
    renameSync(file(name), `${file(name)}.bak`);
    try {
      await check();
    } finally {
      renameSync(`${file(name)}.bak`, file(name));
    }
  }

  it.each([
    ['master.key', 'master key file'],
    ['pepper', 'pepper file'],
    ['dss_private.pem', 'server identity key'],
  ])('refuses to start without %s, creating nothing', async (name, what) => {
    await without(name, async () => {
      const err = await startRefused({ database: db });
      expect(err.code).toBe(ErrorCode.SecretMissing);
      expect(err.message).toBe(
        `${what} ${file(name)} is missing, but the database already holds 1 user, 0 operators, 1 key pair: ` +
          `refusing to create a new one; ${err.message.split('; ').slice(1).join('; ')}`,
      );
      expect(err.message).toMatch(/restore/);
      expect(err.message).not.toMatch(/\n/);
      expect(() => readFileSync(file(name))).toThrow(/ENOENT/);
    });
  });

  it('refuses to start without the audit log key once a checkpoint was signed, creating nothing', async () => {
    // Make sure the log has signed a checkpoint (the server signs one shortly after it grows).
    const server = await startDss({ database: db });
    try {
      for (let i = 0; i < 100; i++) {
        const [{ n }] = await server.app
          .get(DataSource)
          .query<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM audit_log_checkpoints');
        if (Number(n) > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await server.close();
    }
    await without('dss_log_key.pem', async () => {
      const err = await startRefused({ database: db });
      expect(err.code).toBe(ErrorCode.SecretMissing);
      expect(err.message).toMatch(
        /^audit log key \S+ is missing, but the database already holds \d+ signed checkpoints?: refusing to create a new one; restore it/,
      );
      expect(() => readFileSync(file('dss_log_key.pem'))).toThrow(/ENOENT/);
    });
  });

  it('refuses an empty key file (left by an interrupted write) instead of trusting or replacing it', async () => {
    const saved = readFileSync(file('dss_private.pem'));
    writeFileSync(file('dss_private.pem'), '');
    try {
      const err = await startRefused({ database: db });
      expect(err.code).toBe(ErrorCode.SecretMissing);
      expect(err.message).toMatch(/server identity key .* is empty \(an interrupted write\?\)/);
      expect(readFileSync(file('dss_private.pem'))).toHaveLength(0);
    } finally {
      writeFileSync(file('dss_private.pem'), saved, { mode: 0o600 });
    }
  });

  it('the admin app refuses to start without the pepper too', async () => {
    await without('pepper', async () => {
      const config = loadConfig({ ...env, DSS_LOG_LEVEL: 'silent' });
      await expect(createAdminApp(config)).rejects.toMatchObject({
        code: ErrorCode.SecretMissing,
        message: expect.stringMatching(/^pepper file .* is missing/) as unknown,
      });
    });
  });

  it('the built service says so in one line and exits 1', async () => {
    await without('pepper', async () => {
      const run = spawnNode(['dist/apps/dss/src/main.js'], { ...env, DSS_PORT: '0' });
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toMatch(
        /^dss: cannot start: pepper file \S+ is missing, but the database already holds 1 user, [^\n]+\n$/,
      );
    });
  });

  it('detects a wrong master key at start, by the keys it wraps and by the stored check value', async () => {
    const ring = readFileSync(file('master.key'));
    writeFileSync(file('master.key'), `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    try {
      const err = await startRefused({ database: db });
      expect(err.code).toBe(ErrorCode.WrongMasterKey);
      expect(err.message).toMatch(
        /^wrong master key: 1 key pair in the database is wrapped under master key [0-9a-f]{16}, which the configured key ring/,
      );
      // With DSS_MASTER_KEY set to another key, the same.
      const viaEnv = await startRefused({
        database: db,
        env: { DSS_MASTER_KEY: randomBytes(32).toString('hex') },
      });
      expect(viaEnv.code).toBe(ErrorCode.WrongMasterKey);
    } finally {
      writeFileSync(file('master.key'), ring, { mode: 0o600 });
    }

    // An installation with users but no key yet: only the key check value can tell.
    const other = await createTestDatabase();
    try {
      const otherEnv = { DSS_DATA_DIR: other.dataDir, DSS_DATABASE_URL: other.databaseUrl };
      const s = await startDss({ database: other });
      await s.close();
      expect((await dssAdmin(['users', 'add', 'bob'], otherEnv)).code).toBe(0);
      writeFileSync(join(other.dataDir, 'master.key'), `${randomBytes(32).toString('hex')}\n`);
      const err = await startRefused({ database: other });
      expect(err.code).toBe(ErrorCode.WrongMasterKey);
      expect(err.message).toMatch(/key check value names master key [0-9a-f]{16} \(file\)/);
      const cli = await dssAdmin(['users', 'list'], otherEnv);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/^dss-admin: wrong master key: /);
    } finally {
      await other.drop();
    }
  });

  it('starts again once the files are back, and the key still signs', async () => {
    const server = await startDss({ database: db });
    try {
      const doc = Buffer.from('signed after the files came back');
      const sig = await signAs(server, alice, doc);
      expect(opensslVerify(alice.publicKey, doc, sig).ok).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('dss-admin doctor: all ok on a running installation, each missing secret named, loose modes warned', async () => {
    const server = await startDss({ database: db });
    try {
      const healthy = await dssAdmin(['doctor', '--json'], env);
      expect(healthy.code).toBe(0);
      const report = healthy.json<Doctor>();
      expect(report.ok).toBe(true);
      expect(report.checks.map((c) => [c.check, c.status])).toEqual([
        ['configuration', 'ok'],
        ['database', 'ok'],
        ['permissions', 'ok'],
        // OpenSSL signs digests: the native module was built by `npm ci`.
        ['digest signer', 'ok'],
        ['server key', 'ok'],
        ['master key', 'ok'],
        ['pepper', 'ok'],
      ]);
      expect(report.checks[5].detail).toMatch(
        /1 key pair\(s\) under it; check value [0-9a-f]{16} matches/,
      );
      expect(healthy.stdout).not.toMatch(/PRIVATE KEY/);

      chmodSync(db.dataDir, 0o755);
      chmodSync(file('pepper'), 0o644);
      try {
        const loose = await dssAdmin(['doctor'], env);
        expect(loose.code).toBe(0);
        expect(loose.stdout).toMatch(
          /^WARN permissions: the data directory .* \(mode 755\); run chmod 700/m,
        );
        expect(loose.stdout).toMatch(
          /the pepper file .*pepper is readable by group or others \(mode 644\)/,
        );
      } finally {
        chmodSync(db.dataDir, 0o700);
        chmodSync(file('pepper'), 0o600);
      }
    } finally {
      await server.close();
    }

    // Stopped, with the master key missing: exit 6, the check named, nothing created.
    await without('master.key', async () => {
      const sick = await dssAdmin(['doctor', '--json'], env);
      expect(sick.code).toBe(6);
      const report = sick.json<Doctor>();
      expect(report.ok).toBe(false);
      expect(report.checks.find((c) => c.check === 'master key')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(/^master key file .* is missing/) as unknown,
      });
      expect(() => readFileSync(file('master.key'))).toThrow(/ENOENT/);
    });
  });

  it('warns at start about a data directory or secret file open to group or others', async () => {
    chmodSync(db.dataDir, 0o750);
    chmodSync(file('master.key'), 0o640);
    try {
      const admin = await startAdmin({ database: db });
      try {
        const logs = admin.logs();
        expect(logs).toMatch(
          /the data directory \S+ is open to group or others \(mode 750\); run chmod 700 on it/,
        );
        expect(logs).toMatch(/the master key file \S+ is readable by group or others \(mode 640\)/);
      } finally {
        await admin.close();
      }
    } finally {
      chmodSync(db.dataDir, 0o700);
      chmodSync(file('master.key'), 0o600);
    }
  });

  it('an installation with only the first operator (admin app started first) still gets its service keys', async () => {
    const fresh = await createTestDatabase();
    try {
      const admin = await startAdmin({ database: fresh });
      await admin.close();
      const server = await startDss({ database: fresh });
      await server.close();
      // …but the pepper the operator's password depends on is never re-created.
      renameSync(join(fresh.dataDir, 'pepper'), join(fresh.dataDir, 'pepper.bak'));
      const err = await startRefused({ database: fresh });
      expect(err.message).toMatch(
        /^pepper file .* is missing, but the database already holds 0 users, 1 operator, 0 key pairs/,
      );
    } finally {
      await fresh.drop();
    }
  });

  it('dss-admin doctor on a fresh installation: secrets to be created are warnings, not failures', async () => {
    const fresh = await createTestDatabase();
    try {
      const r = await dssAdmin(['doctor', '--json'], {
        DSS_DATA_DIR: fresh.dataDir,
        DSS_DATABASE_URL: fresh.databaseUrl,
      });
      expect(r.code).toBe(0);
      const report = r.json<Doctor>();
      expect(report.checks.filter((c) => c.status === 'warn').map((c) => c.check)).toEqual([
        'server key',
        'master key',
        'pepper',
      ]);
    } finally {
      await fresh.drop();
    }
  });
});
