import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { RowDataPacket } from 'mysql2';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { NoSlowQueryLogger, QueryTimeoutSubscriber } from './query-timeout.subscriber';
import { TimestampSubscriber } from './timestamps.subscriber';

/** The two database engines DSS runs on (DESIGN.md §3). */
export type DatabaseEngine = 'sqlite' | 'mysql';

/** How to reach the database. */
export interface PersistenceOptions {
  /** `mysql://user:pass@host:3306/db` (or `mariadb://…`); unset → SQLite under `dataDir`. */
  databaseUrl?: string;
  /** Holds `dss.sqlite` when SQLite is used; created (mode 0700) if missing. */
  dataDir: string;
  /** Log SQL statements (TypeORM logger). Default false. */
  logging?: boolean;
  /** Let TypeORM create the schema from the entities. Tests only; default false. */
  synchronize?: boolean;
  /** Whether {@link openDataSource} runs pending migrations. Default true. */
  migrationsRun?: boolean;
  /**
   * MySQL: a query, or a connection attempt, that has not answered after this many milliseconds
   * fails (its connection is dropped), so that a frozen server gives an error within this bound
   * instead of a hang. Unset: no query timeout. SQLite is in-process and waits at most its busy
   * timeout.
   */
  timeoutMs?: number;
}

/** File name of the embedded database inside the data directory. */
export const SQLITE_FILE_NAME = 'dss.sqlite';

/** How long SQLite waits for a lock held by another connection before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** MySQL connection pool size per process. */
const MYSQL_POOL_SIZE = 20;

/**
 * Which engine a `DSS_DATABASE_URL` selects: unset or empty → SQLite; `mysql://` or
 * `mariadb://` → MySQL. Anything else throws, naming the accepted forms.
 */
export function engineOf(databaseUrl?: string): DatabaseEngine {
  if (databaseUrl === undefined || databaseUrl.trim() === '') return 'sqlite';
  if (/^(mysql|mariadb):\/\//i.test(databaseUrl)) return 'mysql';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1];
  throw new Error(
    `Unsupported database URL${scheme ? ` scheme "${scheme}:"` : ''}: expected ` +
      `mysql://user:password@host:3306/database (or mariadb://…), or no URL for SQLite`,
  );
}

/** Which engine a DataSource built by this module talks to. */
export function engineOfDataSource(ds: DataSource): DatabaseEngine {
  return ds.options.type === 'mysql' || ds.options.type === 'mariadb' ? 'mysql' : 'sqlite';
}

/**
 * TypeORM's driver type for a MySQL-family server. Both work for queries, but TypeORM reads
 * MariaDB's information_schema differently (e.g. `COLUMN_DEFAULT = 'NULL'`), so the schema
 * builder (migration:generate, the migration/entity agreement test) needs the right one.
 */
type MysqlFlavor = 'mysql' | 'mariadb';

function flavorOfUrl(databaseUrl: string): MysqlFlavor {
  return /^mariadb:/i.test(databaseUrl) ? 'mariadb' : 'mysql';
}

/** Asks the server what it is, so a mysql:// URL pointing at MariaDB still gets 'mariadb'. */
async function probeMysqlFlavor(databaseUrl: string, timeoutMs?: number): Promise<MysqlFlavor> {
  const { createConnection } = await import('mysql2/promise');
  const { host, port, username, password, database } = parseMysqlUrl(databaseUrl);
  const connection = await createConnection({
    host,
    port,
    user: username,
    password,
    database,
    connectTimeout: timeoutMs,
  });
  try {
    const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS version');
    return /mariadb/i.test(String(rows[0]?.version)) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/** Connection fields of a MySQL URL, parsed with WHATWG URL (percent-decoding included). */
interface MysqlTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}

function parseMysqlUrl(databaseUrl: string): MysqlTarget {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('Invalid database URL: expected mysql://user:password@host:3306/database');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) {
    throw new Error(
      'Database URL must name exactly one database: mysql://user:password@host:3306/database',
    );
  }
  if (url.search) {
    throw new Error('Database URL query parameters are not supported');
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'), // IPv6 literals come bracketed
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  };
}

/** SQLite connection settings: applied to the single better-sqlite3 connection on open. */
function prepareSqlite(db: BetterSqlite3.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
}

/**
 * TypeORM options for the engine `o.databaseUrl` selects (TypeORM type `mysql`, or `mariadb`
 * for a `mariadb://` URL). Both engines get the same entities, subscriber and migrations
 * (classes, not globs, so this works from `ts` sources and from `dist`). For SQLite, creates
 * `o.dataDir` (mode 0700) if it does not exist.
 */
export function buildDataSourceOptions(o: PersistenceOptions): DataSourceOptions {
  return buildOptions(o);
}

function buildOptions(o: PersistenceOptions, flavor?: MysqlFlavor): DataSourceOptions {
  const synchronize = o.synchronize ?? false;
  if (synchronize && process.env.NODE_ENV !== 'test') {
    throw new Error('synchronize is for tests only (NODE_ENV=test); use migrations');
  }
  const common: Pick<
    DataSourceOptions,
    | 'entities'
    | 'migrations'
    | 'migrationsTableName'
    | 'migrationsRun'
    | 'subscribers'
    | 'synchronize'
    | 'logging'
  > = {
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    subscribers: [TimestampSubscriber],
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize,
    logging: o.logging ?? false,
  };

  if (engineOf(o.databaseUrl) === 'mysql') {
    const target = parseMysqlUrl(o.databaseUrl!);
    return {
      ...common,
      type: flavor ?? flavorOfUrl(o.databaseUrl!),
      connectorPackage: 'mysql2',
      ...target,
      // DATETIME columns hold UTC; mysql2 converts Dates with this offset both ways.
      timezone: 'Z',
      // Connection character set and collation, matching the tables (see InitialSchema).
      charset: 'utf8mb4_bin',
      poolSize: MYSQL_POOL_SIZE,
      ...(o.timeoutMs === undefined
        ? {}
        : {
            enableQueryTimeout: true,
            maxQueryExecutionTime: o.timeoutMs,
            connectTimeout: o.timeoutMs,
            subscribers: [TimestampSubscriber, QueryTimeoutSubscriber],
            logger: new NoSlowQueryLogger(o.logging ?? false),
          }),
      supportBigNumbers: true,
      bigNumberStrings: true,
    };
  }

  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(o.dataDir, SQLITE_FILE_NAME),
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    prepareDatabase: prepareSqlite,
  };
}

/** A DataSource for `o`, not yet initialised. */
export function createDataSource(o: PersistenceOptions): DataSource {
  return new DataSource(buildDataSourceOptions(o));
}

/**
 * Like {@link buildDataSourceOptions}, but for MySQL asks the server whether it is MySQL or
 * MariaDB instead of trusting the URL scheme (one short extra connection).
 */
export async function resolveDataSourceOptions(o: PersistenceOptions): Promise<DataSourceOptions> {
  const flavor =
    engineOf(o.databaseUrl) === 'mysql'
      ? await probeMysqlFlavor(o.databaseUrl!, o.timeoutMs)
      : undefined;
  return buildOptions(o, flavor);
}

/**
 * Creates and initialises a DataSource (options from {@link resolveDataSourceOptions}) and,
 * unless `o.migrationsRun === false`, runs the pending migrations. On failure the DataSource is
 * closed before the error propagates.
 */
export async function openDataSource(o: PersistenceOptions): Promise<DataSource> {
  const ds = new DataSource(await resolveDataSourceOptions(o));
  await ds.initialize();
  try {
    if (o.migrationsRun !== false) await ds.runMigrations();
  } catch (err) {
    await ds.destroy();
    throw err;
  }
  return ds;
}
