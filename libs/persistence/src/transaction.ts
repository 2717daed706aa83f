import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
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

/** TypeORM's pessimistic write lock for `find*({ lock })`, or none where it does not apply. */
export type RowLock = { mode: 'pessimistic_write' } | undefined;

/**
 * Runs units of work in database transactions, identically on both engines.
 *
 * - MySQL: `ds.transaction` at READ COMMITTED on a pooled connection; take row locks with
 *   {@link TransactionRunner.lockClause}, {@link TransactionRunner.rowLock} or
 *   {@link TransactionRunner.forUpdate} where a read decides a write.
 * - SQLite: better-sqlite3 has one connection and TypeORM would interleave concurrent
 *   transactions on it ("cannot start a transaction within a transaction"), so every `run` is
 *   serialised through an in-process FIFO mutex. SQLite has no row locks and needs none here.
 *
 * On SQLite every write must go through `run`: a write on `ds.manager` while a `run` is in
 * progress would land inside that transaction. `run` is not re-entrant: pass the
 * `EntityManager` down instead of calling `run` again (it throws on both engines).
 */
export class TransactionRunner {
  readonly engine: DatabaseEngine;
  private readonly mutex = new AsyncMutex();
  /** Marks the async context of a `run`, to catch re-entrant calls (a deadlock on SQLite). */
  private readonly context = new AsyncLocalStorage<{ open: boolean }>();

  constructor(private readonly ds: DataSource) {
    this.engine = engineOfDataSource(ds);
  }

  /** Runs `work` in a transaction: committed if it resolves, rolled back if it throws. */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.context.getStore()?.open) {
      return Promise.reject(
        new Error('TransactionRunner.run is not re-entrant: pass the EntityManager down'),
      );
    }
    const inTransaction = async (): Promise<T> => {
      // Closed when the run ends, so callbacks that outlive it may start their own run.
      const marker = { open: true };
      try {
        return await this.context.run(marker, () =>
          this.engine === 'mysql'
            ? this.ds.transaction('READ COMMITTED', work)
            : this.ds.transaction(work),
        );
      } finally {
        marker.open = false;
      }
    };
    return this.engine === 'sqlite' ? this.mutex.runExclusive(inTransaction) : inTransaction();
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
