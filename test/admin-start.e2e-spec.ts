/**
 * The built admin app as a process of its own, and `npm start` (scripts/start.js) running it
 * together with the employee API: both listen, the bootstrap password file is named (never the
 * password), both stop together, and one failing stops the other.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from './support/database';
import { plainText } from './support/cli';
import { freePort, REPO_ROOT, spawnNode } from './support/spawn';

const ADMIN_ENTRY = 'dist/apps/admin/src/main.js';
const START = 'scripts/start.js';

describe('the admin app process and npm start (e2e)', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('prints its URL and where the bootstrap password is, once', async () => {
    const port = await freePort();
    const env = {
      DSS_DATA_DIR: db.dataDir,
      DSS_DATABASE_URL: db.databaseUrl,
      DSS_ADMIN_PORT: String(port),
      DSS_BCRYPT_COST: '10',
    };
    const first = spawnNode([ADMIN_ENTRY], env);
    try {
      const [, url] = await first.waitFor(/^DSS admin API listening on (http:\/\/\S+)\/api /m);
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const [, file] = await first.waitFor(/one-time password is in (\S+) /);
      expect(file).toBe(join(db.dataDir, 'initial-admin-password'));
      const password = readFileSync(file, 'utf8').trim();
      expect(first.stdout() + first.stderr()).not.toContain(password);
      await request(url).get('/api/docs').expect(200);
      await request(url).post('/api/auth/login').send({ username: 'admin', password }).expect(200);
    } finally {
      await first.stop();
    }
    const second = spawnNode([ADMIN_ENTRY], env);
    try {
      await second.waitFor(/listening on/);
      expect(second.stdout()).not.toMatch(/one-time password/);
    } finally {
      await second.stop();
    }
  });

  it('refuses a bad configuration value with one clear line', async () => {
    const run = spawnNode([ADMIN_ENTRY], { DSS_DATA_DIR: db.dataDir, DSS_ADMIN_PORT: 'eighty' });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toBe(
      'dss admin: cannot start: configuration error: DSS_ADMIN_PORT: expected an integer between 0 and 65535, got "eighty"\n',
    );
  });

  it('npm start runs the employee API and the admin app, and stops both', async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const run = spawnNode([START], {
      DSS_DATA_DIR: db.dataDir,
      DSS_DATABASE_URL: db.databaseUrl,
      DSS_HOST: '127.0.0.1',
      DSS_PORT: String(port),
      DSS_ADMIN_PORT: String(adminPort),
      DSS_BCRYPT_COST: '10',
    });
    try {
      const [, dssUrl] = await run.waitFor(/DSS employee API listening on (http:\/\/\S+)/, 120_000);
      const [, adminUrl] = await run.waitFor(/DSS admin API listening on (http:\/\/\S+)\/api /);
      await run.waitFor(/one-time password is in /);
      await request(dssUrl).get('/healthz').expect(200);
      await request(adminUrl).get('/api/docs-json').expect(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      await expect(request(adminUrl).get('/api/docs-json')).rejects.toThrow();
      await expect(request(dssUrl).get('/healthz')).rejects.toThrow();
    } finally {
      await run.stop();
    }
  }, 180_000);

  it('npm start stops the employee API when the admin app cannot start, with its exit code', async () => {
    // The admin port is taken: the admin app fails after the employee API came up.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const adminPort = (blocker.address() as AddressInfo).port;
    const port = await freePort();
    const run = spawnNode([START], {
      DSS_DATA_DIR: db.dataDir,
      DSS_DATABASE_URL: db.databaseUrl,
      DSS_HOST: '127.0.0.1',
      DSS_PORT: String(port),
      DSS_ADMIN_PORT: String(adminPort),
      DSS_BCRYPT_COST: '10',
    });
    try {
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toMatch(/^dss admin: cannot start: .*EADDRINUSE/m);
      await expect(request(`http://127.0.0.1:${port}`).get('/healthz')).rejects.toThrow();
    } finally {
      await run.stop();
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 180_000);

  /** The environment of `npm start` on this test's database, on free ports. */
  async function startEnv(): Promise<Record<string, string>> {
    const [port, adminPort] = [await freePort(), await freePort()];
    return {
      DSS_DATA_DIR: db.dataDir,
      ...(db.databaseUrl ? { DSS_DATABASE_URL: db.databaseUrl } : {}),
      DSS_HOST: '127.0.0.1',
      DSS_PORT: String(port),
      DSS_ADMIN_PORT: String(adminPort),
      DSS_BCRYPT_COST: '10',
    };
  }

  /** `npm start` on a pseudo-terminal (util-linux `script`), as a person runs it. */
  function startOnTerminal(env: Record<string, string>) {
    const child = spawn('script', ['-qfec', `exec ${process.execPath} ${START}`, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, TERM: 'xterm', SHELL: '/bin/sh', ...env },
      stdio: 'pipe',
    });
    let raw = '';
    child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
    child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const waitFor = async (pattern: RegExp, ms = 120_000): Promise<void> => {
      const end = Date.now() + ms;
      while (!pattern.test(plainText(raw))) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${String(pattern)}:\n${raw}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    /** Ctrl-C typed at the terminal: SIGINT to its foreground process group. */
    const ctrlC = (): boolean => child.stdin.write('\u0003');
    return { child, exited, waitFor, ctrlC, transcript: () => plainText(raw) };
  }

  it('npm start on a terminal: a screenful of human lines at the default level, Ctrl-C stops it cleanly', async () => {
    const run = startOnTerminal(await startEnv());
    try {
      await run.waitFor(/one-time password is in /);
      await run.waitFor(/DSS employee API listening on/);
      await new Promise((r) => setTimeout(r, 500)); // let any trailing start-up line arrive
      const lines = run.transcript().trimEnd().split('\n');
      expect(lines.length).toBeLessThanOrEqual(24);
      expect(run.transcript()).not.toMatch(/Mapped \{|dependencies initialized/);
      expect(run.transcript()).toMatch(/Data directory: .+; database: /);
      run.ctrlC();
      expect(await run.exited).toBe(0);
      expect(run.transcript()).not.toMatch(/cannot start|Error|at .+\.js:\d+/);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 180_000);

  it('Ctrl-C while npm start is still starting: a quiet exit, no error', async () => {
    const run = startOnTerminal(await startEnv());
    try {
      // The first app is up, the other one is still starting (creating its first operator).
      await run.waitFor(/listening on/);
      run.ctrlC();
      expect(await run.exited).toBe(0);
      expect(run.transcript()).not.toMatch(/cannot start|closed|Error/);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 180_000);
});
