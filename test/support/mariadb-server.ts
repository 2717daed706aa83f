import { execFile, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { type OwnServerProcess, startOwnServer, waitUntilReady } from './own-server';
import { freePort } from './spawn';

const run = promisify(execFile);

/**
 * A MariaDB server of a test's own (never the machine's): its own data directory and free port,
 * so that the test may stop it (SIGTERM) or freeze it (SIGSTOP).
 */
export interface OwnMariadb extends OwnServerProcess {
  /** mysql:// URL of the database `dss` on it. */
  databaseUrl: string;
  port: number;
}

async function ping(port: number): Promise<boolean> {
  try {
    const c = await createConnection({
      host: '127.0.0.1',
      port,
      user: 'root',
      connectTimeout: 1000,
    });
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Installs a data directory and starts mariadbd on a free port, with a `dss` database. */
export async function startOwnMariadb(): Promise<OwnMariadb> {
  const dir = await mkdtemp(join(tmpdir(), 'dss-mariadb-'));
  const datadir = join(dir, 'data');
  await run('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${datadir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--user=root',
  ]);
  const port = await freePort();
  const server = await startOwnServer(dir, async () => {
    const child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'mariadb.sock')}`,
        `--pid-file=${join(dir, 'mariadb.pid')}`,
        '--user=root',
        '--skip-grant-tables',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
      ],
      { stdio: 'ignore' },
    );
    await waitUntilReady('mariadbd', child, () => ping(port), { ms: 60_000, everyMs: 200 });
    return child;
  });
  const admin = await createConnection({ host: '127.0.0.1', port, user: 'root' });
  await admin.query('CREATE DATABASE dss CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
  await admin.end();
  return { databaseUrl: `mysql://root@127.0.0.1:${port}/dss`, port, ...server };
}
