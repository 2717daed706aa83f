import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';

/**
 * A bcrypt worker thread of {@link BcryptPool} (bcrypt-pool.ts). It is started from this file's
 * compiled JavaScript beside the pool's (`dist/…/bcrypt-worker.js`); when the pool runs from the
 * TypeScript sources (the tests), the pool transpiles this file and evaluates it instead. Either
 * way it is the same type-checked, linted module. It imports nothing of the project: a worker
 * thread has none of the main thread's module setup.
 */

/** What the pool gives each worker at start. */
export interface BcryptWorkerData {
  /** Marks a thread started by the pool, so that merely importing this module does nothing. */
  readonly bcryptWorker: true;
  /** bcrypt's absolute path as the main thread resolved it (independent of the working dir). */
  readonly bcryptPath: string;
  /** The nice value the thread lowers itself to. */
  readonly nice: number;
}

/** What the pool posts to a worker. */
export type WorkerRequest =
  | { readonly op: 'hash'; readonly data: string; readonly cost: number }
  | { readonly op: 'compare'; readonly data: string; readonly hash: string };

/** What a worker answers, one reply per request, in order. */
export type WorkerReply = { ok: true; value: unknown } | { ok: false; message: string };

interface BcryptSync {
  hashSync(data: string, cost: number): string;
  compareSync(data: string, hash: string): boolean;
}

/**
 * Lowers this thread's priority to `nice`: on Linux a thread id (from `/proc/thread-self`, which
 * reads `<pid>/task/<tid>`) is a valid `setpriority(PRIO_PROCESS, …)` target. It never raises it
 * (a process started under `nice` keeps its workers at least as low), and where this fails (not
 * Linux, not permitted) the thread runs at the inherited priority, silently.
 */
export function lowerThreadPriority(nice: number): void {
  try {
    const match = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self', 'utf8'));
    if (match === null) return;
    const tid = Number(match[1]);
    if (getPriority(tid) < nice) setPriority(tid, nice);
  } catch {
    // Not Linux, or not permitted: the inherited priority.
  }
}

/** Runs one request; bcrypt's own errors become a failed reply, never a dead thread. */
export function answer(bcrypt: BcryptSync, job: WorkerRequest): WorkerReply {
  try {
    const value =
      job.op === 'hash'
        ? bcrypt.hashSync(job.data, job.cost)
        : bcrypt.compareSync(job.data, job.hash);
    return { ok: true, value };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

function isWorkerData(value: unknown): value is BcryptWorkerData {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>).bcryptWorker === true &&
    typeof (value as Record<string, unknown>).bcryptPath === 'string' &&
    typeof (value as Record<string, unknown>).nice === 'number'
  );
}

function serve(port: MessagePort, data: BcryptWorkerData): void {
  lowerThreadPriority(data.nice);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time
  const bcrypt = require(data.bcryptPath) as BcryptSync;
  port.on('message', (job: WorkerRequest) => port.postMessage(answer(bcrypt, job)));
}

if (parentPort !== null && isWorkerData(workerData)) serve(parentPort, workerData);
