import { AsyncLocalStorage } from 'node:async_hooks';
import { randomInt } from 'node:crypto';
import type {
  DataSource,
  EntityManager,
  ObjectLiteral,
  QueryRunner,
  SelectQueryBuilder,
} from 'typeorm';
import { type DatabaseEngine, engineOfDataSource } from './data-source';

/** A first-in, first-out async mutex: `runExclusive` calls run one at a time, in call order. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  async runExclusive<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/**
 * One mutex per SQLite file for the whole process: better-sqlite3 waits for a busy lock
 * synchronously, so two connections of one process must never contend for the write lock (the
 * waiting one would block the event loop that the holder needs to finish). Other processes are
 * handled by `BEGIN IMMEDIATE` and the busy timeout.
 */
const sqliteMutexes = new Map<string, AsyncMutex>();
function sqliteMutexFor(file: string): AsyncMutex {
  let mutex = sqliteMutexes.get(file);
  if (!mutex) {
    mutex = new AsyncMutex();
    sqliteMutexes.set(file, mutex);
  }
  return mutex;
}

/** Runs of a transaction InnoDB picked as a deadlock victim, the first included. */
export const DEADLOCK_TRIES = 4;

/**
 * InnoDB ended the transaction as a deadlock victim (ER_LOCK_DEADLOCK, 1213) and rolled all of it
 * back. TypeORM copies the driver's fields onto its QueryFailedError; both forms are read.
 */
export function isDeadlock(err: unknown): boolean {
  const fields = (e: unknown): { code?: unknown; errno?: unknown } =>
    typeof e === 'object' && e !== null ? e : {};
  const own = fields(err);
  const driver = fields((err as { driverError?: unknown } | null)?.driverError);
  return [own, driver].some((f) => f.code === 'ER_LOCK_DEADLOCK' || f.errno === 1213);
}

/** Pooled MySQL connections whose session is already READ COMMITTED. */
const readCommittedConnections = new WeakSet<object>();

/** TypeORM's pessimistic write lock for `find*({ lock })`, or none where it does not apply. */
export type RowLock = { mode: 'pessimistic_write' } | undefined;

/**
 * Runs units of work in database transactions, identically on both engines.
 *
 * - MySQL: READ COMMITTED on a pooled connection; take row locks with
 *   {@link TransactionRunner.lockClause}, {@link TransactionRunner.rowLock} or
 *   {@link TransactionRunner.forUpdate} where a read decides a write.
 * - SQLite: better-sqlite3 has one connection and TypeORM would interleave concurrent
 *   transactions on it ("cannot start a transaction within a transaction"), so every `run` is
 *   serialised through an in-process FIFO mutex. SQLite has no row locks and needs none here.
 *
 * On SQLite every write must go through `run`: a write on `ds.manager` while a `run` is in
 * progress would land inside that transaction. `run` is not re-entrant: pass the
 * `EntityManager` down instead of calling `run` again (it throws on both engines).
 *
 * On MySQL, a transaction InnoDB rolls back to break a deadlock is run again, up to
 * {@link DEADLOCK_TRIES} times in all (as the MySQL manual asks of applications, "How to Minimize
 * and Handle Deadlocks"): `work` must be safe to run again after a rollback, which holds for work
 * that only talks to the database through its manager or keeps only caches in memory.
 */
export class TransactionRunner {
  readonly engine: DatabaseEngine;
  private readonly mutex: AsyncMutex;
  /**
   * Marks the async context of a `run`, to catch re-entrant calls (a deadlock on SQLite): a
   * development and test check. AsyncLocalStorage installs promise hooks that cost every promise
   * of the process a few per cent of CPU, so production (`NODE_ENV=production`, as `npm start`
   * and the Docker image run) goes without; the test suites run with it.
   */
  private readonly context?: AsyncLocalStorage<{ open: boolean }>;

  constructor(
    private readonly ds: DataSource,
    checkReentrancy = process.env.NODE_ENV !== 'production',
  ) {
    if (checkReentrancy) this.context = new AsyncLocalStorage();
    this.engine = engineOfDataSource(ds);
    this.mutex =
      this.engine === 'sqlite' ? sqliteMutexFor(String(ds.options.database)) : new AsyncMutex();
  }

  /** Runs `work` in a transaction: committed if it resolves, rolled back if it throws. */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const context = this.context;
    if (context?.getStore()?.open) {
      return Promise.reject(
        new Error('TransactionRunner.run is not re-entrant: pass the EntityManager down'),
      );
    }
    const transaction = (): Promise<T> =>
      this.engine === 'mysql'
        ? this.retryingDeadlocks(() => this.readCommittedTransaction(work))
        : this.immediateTransaction(work);
    const inTransaction = async (): Promise<T> => {
      if (!context) return transaction();
      // Closed when the run ends, so callbacks that outlive it may start their own run.
      const marker = { open: true };
      try {
        return await context.run(marker, transaction);
      } finally {
        marker.open = false;
      }
    };
    return this.engine === 'sqlite' ? this.mutex.runExclusive(inTransaction) : inTransaction();
  }

  /** Runs `attempt` again, after a short random pause, while InnoDB makes it a deadlock victim. */
  private async retryingDeadlocks<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (err) {
        if (tries >= DEADLOCK_TRIES || !isDeadlock(err)) throw err;
        // The other transaction holds its locks until it ends: step aside for a few ms.
        await new Promise((resolve) => setTimeout(resolve, randomInt(1, 5 * tries + 1)));
      }
    }
  }

  /**
   * SQLite: the write lock is taken up front, as `BEGIN IMMEDIATE` would. A deferred transaction
   * (TypeORM's `BEGIN TRANSACTION`) whose first statement reads would hold a read snapshot and then
   * fail at once with "database is locked" when it tries to write while another connection (the
   * other app, `dss-admin`) has written meanwhile — SQLite cannot upgrade the lock without risking a
   * deadlock, so the busy timeout does not apply. Writing first instead waits (busy timeout) for
   * the lock, and every run commits.
   *
   * TypeORM's public API begins only deferred transactions, and only a transaction it began
   * itself makes nested `save`s join it rather than BEGIN again. So TypeORM begins it, and a write
   * that matches no row — still a write statement, so SQLite takes the write lock before anything
   * is read, and nothing reaches the WAL — makes it immediate. It writes to the migrations table,
   * present in every database a `TransactionRunner` works on (migrations create the schema).
   */
  private immediateTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const lockingWrite = `DELETE FROM "${this.migrationsTable()}" WHERE 0`;
    return this.ownTransaction(work, async (queryRunner) => {
      await queryRunner.startTransaction();
      await queryRunner.query(lockingWrite);
    });
  }

  private migrationsTable(): string {
    return this.ds.options.migrationsTableName ?? 'migrations';
  }

  /**
   * MySQL: READ COMMITTED, set once per pooled connection for its session, so that each
   * transaction costs one `START TRANSACTION` round trip rather than two
   * (`SET TRANSACTION ISOLATION LEVEL`, then `START TRANSACTION`, which TypeORM sends when given an
   * isolation level): the signature ledger runs hundreds of transactions a second, and every round
   * trip waits for the event loop.
   */
  private readCommittedTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.ownTransaction(work, async (queryRunner) => {
      const connection = (await queryRunner.connect()) as object;
      if (!readCommittedConnections.has(connection)) {
        await queryRunner.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
        readCommittedConnections.add(connection);
      }
      await queryRunner.startTransaction();
    });
  }

  /**
   * A transaction begun by `begin` (through `QueryRunner.startTransaction`, so that TypeORM knows
   * it: nested `save`s join it, and `FOR UPDATE` reads are allowed) on a query runner of its own,
   * committed or rolled back.
   */
  private async ownTransaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    begin: (queryRunner: QueryRunner) => Promise<void>,
  ): Promise<T> {
    const queryRunner = this.ds.createQueryRunner();
    try {
      await begin(queryRunner);
      const result = await work(queryRunner.manager);
      await queryRunner.commitTransaction();
      return result;
    } catch (err) {
      // Also when `begin` failed after BEGIN (SQLite's locking write timed out), so that the
      // connection is not left in a transaction. A failed rollback (a lost connection) must not
      // hide the error that caused it.
      if (queryRunner.isTransactionActive) {
        await queryRunner.rollbackTransaction().catch(() => undefined);
      }
      throw err;
    } finally {
      await queryRunner.release();
    }
  }

  /** `' FOR UPDATE'` on MySQL, `''` on SQLite: append to a raw `SELECT` inside `run`. */
  lockClause(): '' | ' FOR UPDATE' {
    return this.engine === 'mysql' ? ' FOR UPDATE' : '';
  }

  /** The `lock` option for `find*` inside `run`: FOR UPDATE on MySQL, none on SQLite. */
  rowLock(): RowLock {
    return this.engine === 'mysql' ? { mode: 'pessimistic_write' } : undefined;
  }

  /** Adds FOR UPDATE to a query builder on MySQL (TypeORM rejects it on SQLite). */
  forUpdate<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return this.engine === 'mysql' ? qb.setLock('pessimistic_write') : qb;
  }
}
