import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { type DatabaseEngine, engineOf } from '@dss/persistence';

/** An isolated database for one test file, on the engine `DSS_DATABASE_URL` selects. */
export interface TestDatabase {
  /** URL of the fresh MySQL database; undefined for SQLite (the file lives in `dataDir`). */
  databaseUrl?: string;
  /** A fresh temporary directory, removed by `drop()`. */
  dataDir: string;
  engine: DatabaseEngine;
  /** Drops the MySQL database (if any) and removes `dataDir`. Close DataSources first. */
  drop(): Promise<void>;
}

/** MySQL identifiers we create are restricted to this alphabet, so quoting is trivial. */
const SAFE_IDENTIFIER = /^[A-Za-z0-9_]+$/;

/**
 * Creates an isolated database: always a new temporary data directory; with
 * `DSS_DATABASE_URL=mysql://…/<db>`, also a new database `<db>_t_<random hex>` on that server
 * (utf8mb4, binary collation), whose URL is returned.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const baseUrl = process.env.DSS_DATABASE_URL?.trim() || undefined;
  const engine = engineOf(baseUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'dss-test-'));
  const removeDataDir = (): Promise<void> => rm(dataDir, { recursive: true, force: true });

  if (engine === 'sqlite') {
    return { dataDir, engine, drop: removeDataDir };
  }

  const url = new URL(baseUrl!);
  const base = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'dss';
  const name = `${base}_t_${randomBytes(6).toString('hex')}`;
  if (!SAFE_IDENTIFIER.test(name) || name.length > 64) {
    await removeDataDir();
    throw new Error(`Cannot derive a test database name from "${base}"`);
  }
  const connect = () =>
    createConnection({
      host: url.hostname,
      port: url.port ? Number(url.port) : 3306,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });

  const admin = await connect();
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } catch (err) {
    await removeDataDir();
    throw err;
  } finally {
    await admin.end();
  }

  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir,
    engine,
    drop: async () => {
      const connection = await connect();
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
        await removeDataDir();
      }
    },
  };
}
