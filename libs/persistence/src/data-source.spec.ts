import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { buildDataSourceOptions, engineOf, openDataSource, SQLITE_FILE_NAME } from './data-source';

describe('engineOf', () => {
  it.each([undefined, '', '  '])('selects SQLite for %p', (url) => {
    expect(engineOf(url)).toBe('sqlite');
  });

  it.each(['mysql://root@127.0.0.1:3306/dss', 'MariaDB://u:p@db/dss'])(
    'selects MySQL for %s',
    (url) => {
      expect(engineOf(url)).toBe('mysql');
    },
  );

  it.each(['postgres://u@h/db', 'sqlite:///tmp/x', 'dss.sqlite'])('rejects %s', (url) => {
    expect(() => engineOf(url)).toThrow(/Unsupported database URL.*mysql:\/\//);
  });
});

describe('buildDataSourceOptions', () => {
  it('parses a MySQL URL, percent-decoding credentials', () => {
    const o = buildDataSourceOptions({
      databaseUrl: 'mysql://dss%40x:p%2Fss@db.local:3307/dss',
      dataDir: '/nonexistent',
    });
    expect(o).toMatchObject({
      type: 'mysql',
      host: 'db.local',
      port: 3307,
      username: 'dss@x',
      password: 'p/ss',
      database: 'dss',
      timezone: 'Z',
      supportBigNumbers: true,
      migrationsTableName: 'migrations',
      synchronize: false,
    });
  });

  it('accepts an IPv6 host and defaults the port', () => {
    expect(
      buildDataSourceOptions({ databaseUrl: 'mysql://u@[::1]/d', dataDir: '.' }),
    ).toMatchObject({ host: '::1', port: 3306 });
  });

  it('maps mariadb:// to the mariadb driver type', () => {
    expect(buildDataSourceOptions({ databaseUrl: 'mariadb://u@h/d', dataDir: '.' }).type).toBe(
      'mariadb',
    );
  });

  it.each(['mysql://u@h', 'mysql://u@h/', 'mysql://u@h/a/b', 'mysql://u@h/d?ssl=true'])(
    'rejects %s',
    (databaseUrl) => {
      expect(() => buildDataSourceOptions({ databaseUrl, dataDir: '.' })).toThrow(/Database URL/);
    },
  );

  it('refuses synchronize outside tests', () => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => buildDataSourceOptions({ dataDir: '.', synchronize: true })).toThrow(
        /tests only/,
      );
    } finally {
      process.env.NODE_ENV = env;
    }
  });
});

describe('openDataSource', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    await db.drop();
  });

  it('opens the selected engine and runs the migrations', async () => {
    const ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    try {
      expect(await ds.showMigrations()).toBe(false);
      const rows: unknown[] = await ds.query('SELECT id FROM audit_chain_head');
      expect(rows).toHaveLength(1);
    } finally {
      await ds.destroy();
    }
  });

  it('leaves migrations alone when migrationsRun is false', async () => {
    const ds = await openDataSource({
      databaseUrl: db.databaseUrl,
      dataDir: db.dataDir,
      migrationsRun: false,
    });
    try {
      expect(await ds.showMigrations()).toBe(true);
    } finally {
      await ds.destroy();
    }
  });

  // The file, its journal mode and the data dir are SQLite's; MySQL has none of them.
  const onSqlite =
    engineOf(process.env.DSS_DATABASE_URL?.trim() || undefined) === 'sqlite' ? it : it.skip;
  onSqlite(
    'uses a WAL-mode SQLite file with foreign keys in a 0700 data dir (SQLite only)',
    async () => {
      const dataDir = join(db.dataDir, 'nested', 'data');
      const ds = await openDataSource({ dataDir });
      try {
        expect(statSync(dataDir).mode & 0o777).toBe(0o700);
        expect(statSync(join(dataDir, SQLITE_FILE_NAME)).isFile()).toBe(true);
        expect(await ds.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
        expect(await ds.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
        expect(await ds.query('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
      } finally {
        await ds.destroy();
      }
    },
  );
});
