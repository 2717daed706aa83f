import { type TransactionRunner } from '@dss/persistence';
import { type EntityManager } from 'typeorm';

/** Per-item outcome of a batch: a value, or an error that rejects only that item. */
export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: Error };

interface Pending<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: items submitted while a transaction is in flight are written together by the
 * next one, so the number of commits (fsyncs) grows with load far more slowly than the number of
 * items. Each submitter's promise settles only after the transaction holding its item has
 * committed (durable before the response). No timer: at low load a batch of one commits at once.
 *
 * With `inFlight` above 1, that many transactions run at once, each taking the items queued when
 * it starts: where the batches serialise on a lock (the audit chain head), the next transaction's
 * first round trips overlap the previous one's last ones and its commit, instead of waiting for
 * them.
 */
export class GroupCommitter<I, R> {
  private queue: Pending<I, R>[] = [];
  private flushing = 0;

  constructor(
    private readonly runner: TransactionRunner,
    private readonly commitBatch: (
      manager: EntityManager,
      items: I[],
    ) => Promise<BatchOutcome<R>[]>,
    private readonly maxBatch = 256,
    private readonly inFlight = 1,
    /** Told of every committed batch: its size and its transaction's duration (metrics). */
    private readonly onCommit?: (items: number, seconds: number) => void,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.flushing < this.inFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing += 1;
    try {
      while (this.queue.length > 0) {
        // SQLite: let the event loop take in what has arrived (requests whose records would
        // wait for the next batch) before cutting this one. Its statements complete without
        // yielding to I/O, so batches otherwise stay as small as one request: measured, this
        // doubles SQLite's signatures per second (docs/PERFORMANCE.md). MySQL's round trips
        // yield anyway; there the extra turn only delays the commit.
        if (this.runner.engine === 'sqlite') await new Promise<void>((r) => setImmediate(r));
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const started = process.hrtime.bigint();
          const outcomes = await this.runner.run((manager) =>
            this.commitBatch(
              manager,
              batch.map((p) => p.item),
            ),
          );
          this.onCommit?.(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
          batch.forEach((p, i) => {
            const outcome = outcomes[i];
            if (outcome.ok) p.resolve(outcome.value);
            else p.reject(outcome.error);
          });
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.flushing -= 1;
    }
  }
}
