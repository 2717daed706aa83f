import Database from 'better-sqlite3';
import { type DataSource, In } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { engineOf, openDataSource } from './data-source';
import { AuditChainHeadEntity, UserEntity } from './entities';
import { AsyncMutex, TransactionRunner } from './transaction';

describe('AsyncMutex', () => {
  it('runs work one at a time, in call order, and survives failures', async () => {
    const mutex = new AsyncMutex();
    const log: string[] = [];
    const task = (name: string, fail = false) =>
      mutex.runExclusive(async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a'), task('b', true), task('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

describe('TransactionRunner', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let tx: TransactionRunner;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    tx = new TransactionRunner(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const insertUser = (username: string) => (manager: import('typeorm').EntityManager) =>
    manager.save(manager.create(UserEntity, { username, passwordHash: 'h' }));

  it('knows its engine', () => {
    expect(tx.engine).toBe(db.engine);
    expect(tx.lockClause()).toBe(db.engine === 'mysql' ? ' FOR UPDATE' : '');
    expect(tx.rowLock()).toEqual(db.engine === 'mysql' ? { mode: 'pessimistic_write' } : undefined);
  });

  it('commits 50 concurrent runs', async () => {
    const users = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        tx.run(async (manager) => {
          const user = await insertUser(`concurrent${i}`)(manager);
          await new Promise((resolve) => setImmediate(resolve));
          return user.id;
        }),
      ),
    );
    expect(new Set(users).size).toBe(50);
    expect(
      await ds
        .getRepository(UserEntity)
        .createQueryBuilder('u')
        .where('u.username LIKE :p', { p: 'concurrent%' })
        .getCount(),
    ).toBe(50);
  });

  it('rolls back a run that throws, without disturbing concurrent runs', async () => {
    const results = await Promise.allSettled([
      tx.run(insertUser('kept1')),
      tx.run(async (manager) => {
        await insertUser('rolledback')(manager);
        throw new Error('abort');
      }),
      tx.run(insertUser('kept2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('abort'));
    const users = ds.getRepository(UserEntity);
    expect(await users.countBy({ username: 'rolledback' })).toBe(0);
    expect(await users.countBy({ username: 'kept1' })).toBe(1);
    expect(await users.countBy({ username: 'kept2' })).toBe(1);
  });

  it('serialises read-modify-write under a row lock', async () => {
    const bump = () =>
      tx.run(async (manager) => {
        const head = await manager.findOneOrFail(AuditChainHeadEntity, {
          where: { id: 1 },
          lock: tx.rowLock(),
        });
        await manager.update(AuditChainHeadEntity, 1, { seq: head.seq + 1 });
      });
    const start = (await ds.getRepository(AuditChainHeadEntity).findOneByOrFail({ id: 1 })).seq;
    await Promise.all(Array.from({ length: 20 }, bump));
    const end = (await ds.getRepository(AuditChainHeadEntity).findOneByOrFail({ id: 1 })).seq;
    expect(end - start).toBe(20);
  });

  const sqliteOnly =
    engineOf(process.env.DSS_DATABASE_URL?.trim() || undefined) === 'sqlite' ? it : it.skip;

  sqliteOnly(
    'holds the write lock from the start of a run, as BEGIN IMMEDIATE would (SQLite)',
    async () => {
      // Another connection (another process) that does not wait for a busy lock.
      const other = new Database(String(ds.options.database), { timeout: 0 });
      try {
        const tryWriteLock = (): string => {
          try {
            other.exec('BEGIN IMMEDIATE');
            other.exec('ROLLBACK');
            return 'free';
          } catch (err) {
            return (err as { code?: string }).code ?? String(err);
          }
        };
        // Before any statement of its own, the run already holds the lock that a write needs.
        expect(await tx.run(() => Promise.resolve(tryWriteLock()))).toBe('SQLITE_BUSY');
        expect(tryWriteLock()).toBe('free');
      } finally {
        other.close();
      }
    },
  );

  it('applies FOR UPDATE to a query builder on MySQL only', () => {
    const qb = tx.forUpdate(ds.getRepository(UserEntity).createQueryBuilder('u'));
    expect(qb.getQuery().includes('FOR UPDATE')).toBe(db.engine === 'mysql');
  });

  it('is not re-entrant, but callbacks outliving a run may start their own', async () => {
    await expect(tx.run(() => tx.run(() => Promise.resolve(1)))).rejects.toThrow(/not re-entrant/);
    let later: Promise<number> | undefined;
    await tx.run(() => {
      later = new Promise((resolve) => setTimeout(resolve, 10)).then(() =>
        tx.run(() => Promise.resolve(2)),
      );
      return Promise.resolve();
    });
    await expect(later).resolves.toBe(2);
  });

  // Isolation levels are a MySQL/MariaDB setting; SQLite serialises every transaction.
  const onMysql =
    engineOf(process.env.DSS_DATABASE_URL?.trim() || undefined) === 'mysql' ? it : it.skip;
  onMysql(
    'runs MySQL transactions at READ COMMITTED, on every pooled connection (MySQL only)',
    async () => {
      const levels = await Promise.all(
        Array.from({ length: 6 }, () =>
          tx.run(async (m) => {
            const rows = await m.query<{ Value: string }[]>(
              "SHOW SESSION VARIABLES WHERE Variable_name IN ('tx_isolation', 'transaction_isolation')",
            );
            // Hold the connection a moment so that the six runs use several of them.
            await new Promise((resolve) => setTimeout(resolve, 20));
            return rows.map((r) => r.Value);
          }),
        ),
      );
      for (const level of levels) expect(new Set(level)).toEqual(new Set(['READ-COMMITTED']));
    },
  );

  onMysql(
    'runs a deadlock victim again: two transactions locking two rows in opposite orders both commit (MySQL only)',
    async () => {
      const [a, b] = await Promise.all(
        ['deadlock-a', 'deadlock-b'].map((name) => tx.run(insertUser(name))),
      );
      let firstLocks = 0;
      let bothLocked!: () => void;
      const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
      const runs: number[] = [];
      // Each locks its first row, waits until the other has too (first attempt only), then
      // wants the other's row: InnoDB breaks the cycle by rolling one back.
      const crossing = (first: number, second: number, tag: number) =>
        tx.run(async (m) => {
          runs.push(tag);
          await m.query(`SELECT id FROM users WHERE id = ? FOR UPDATE`, [first]);
          if (++firstLocks === 2) bothLocked();
          if (firstLocks <= 2) await barrier;
          await m.query(`UPDATE users SET full_name = ? WHERE id = ?`, [`by ${tag}`, second]);
          return tag;
        });
      await expect(
        Promise.all([crossing(a.id, b.id, 1), crossing(b.id, a.id, 2)]),
      ).resolves.toEqual([1, 2]);
      // One of the two ran twice: its first run was the victim.
      expect(runs.length).toBe(3);
      const names = await ds.getRepository(UserEntity).findBy({ id: In([a.id, b.id]) });
      expect(names.map((u) => u.fullName).sort()).toEqual(['by 1', 'by 2']);
    },
  );

  it('without the re-entrancy check (production) still commits, rolls back and serialises', async () => {
    const lean = new TransactionRunner(ds, false);
    const before = await ds.getRepository(AuditChainHeadEntity).findOneByOrFail({ id: 1 });
    await expect(
      lean.run(async (m) => {
        await m.update(AuditChainHeadEntity, { id: 1 }, { hash: 'f'.repeat(64) });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await ds.getRepository(AuditChainHeadEntity).findOneByOrFail({ id: 1 })).toEqual(before);
    // Concurrent runs each see the previous one's commit (no lost update).
    await Promise.all(
      Array.from({ length: 10 }, () =>
        lean.run(async (m) => {
          const head = await m.findOneOrFail(AuditChainHeadEntity, {
            where: { id: 1 },
            lock: lean.rowLock(),
          });
          await m.update(AuditChainHeadEntity, { id: 1 }, { seq: head.seq + 1 });
        }),
      ),
    );
    const after = await ds.getRepository(AuditChainHeadEntity).findOneByOrFail({ id: 1 });
    expect(after.seq).toBe(before.seq + 10);
    await lean.run((m) => m.update(AuditChainHeadEntity, { id: 1 }, { seq: before.seq }));
  });
});

describe('TransactionRunner across connections (two processes on one database)', () => {
  let db: TestDatabase;
  let a: DataSource;
  let b: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    b = await openDataSource({
      databaseUrl: db.databaseUrl,
      dataDir: db.dataDir,
      migrationsRun: false,
    });
  });
  afterAll(async () => {
    await a.destroy();
    await b.destroy();
    await db.drop();
  });

  it('serialises read-then-write transactions of two connections without "database is locked"', async () => {
    // Each run reads the head row, then writes it: a deferred SQLite transaction could not upgrade
    // its read lock while the other connection writes, and would fail at once with SQLITE_BUSY.
    const bump = (runner: TransactionRunner) =>
      runner.run(async (m) => {
        const head = await m.findOneOrFail(AuditChainHeadEntity, {
          where: { id: 1 },
          lock: runner.rowLock(),
        });
        await new Promise((resolve) => setImmediate(resolve));
        await m.update(AuditChainHeadEntity, { id: 1 }, { seq: head.seq + 1 });
      });
    const [ra, rb] = [new TransactionRunner(a), new TransactionRunner(b)];
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => bump(i % 2 ? ra : rb)),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([]);
    expect((await a.getRepository(AuditChainHeadEntity).findOneByOrFail({ id: 1 })).seq).toBe(100);
  });
});
