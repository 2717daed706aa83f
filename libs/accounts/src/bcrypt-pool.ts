import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { DomainError, ErrorCode } from '@dss/common';
import type { BcryptWorkerData, WorkerReply, WorkerRequest } from './bcrypt-worker';

/** Default nice value of the bcrypt threads: far below the event loop, yet never starved. */
export const DEFAULT_BCRYPT_NICE = 10;

/** Default bound on the bcrypt jobs waiting for a thread. */
export const DEFAULT_BCRYPT_MAX_QUEUE = 256;

/** The highest nice value Linux knows (the lowest priority). */
const MAX_NICE = 19;

/** Upper bound of `threads`: a sanity limit, far above any useful value. */
const MAX_THREADS = 256;

/** Assumed length of a job until one has been measured (bcrypt cost 12 on a current core). */
const INITIAL_JOB_MS = 250;

/** Bounds of the `retryAfterSeconds` hint of a refused job. */
const MIN_RETRY_SECONDS = 1;
const MAX_RETRY_SECONDS = 60;

/** All cores but one, and at least one: the event loop keeps a core for itself. */
export function defaultBcryptThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** How a {@link BcryptPool} runs; every field has a default. */
export interface BcryptPoolOptions {
  /** Worker threads, each running one bcrypt at a time (default {@link defaultBcryptThreads}). */
  readonly threads?: number;
  /** Nice value, 0 to 19, each worker gives its own thread on Linux (default 10). */
  readonly nice?: number;
  /** Jobs that may wait for a thread; the next one is refused at once (default 256). */
  readonly maxQueue?: number;
}

/** {@link BcryptPoolOptions} with the defaults filled in, checked. */
export type ResolvedBcryptPoolOptions = Required<BcryptPoolOptions>;

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= min && value <= max;
}

/**
 * Fills in the defaults of `options` and checks them.
 *
 * @throws RangeError for a value out of range or not an integer.
 */
export function resolveBcryptPoolOptions(
  options: BcryptPoolOptions = {},
): ResolvedBcryptPoolOptions {
  const resolved = {
    threads: options.threads ?? defaultBcryptThreads(),
    nice: options.nice ?? DEFAULT_BCRYPT_NICE,
    maxQueue: options.maxQueue ?? DEFAULT_BCRYPT_MAX_QUEUE,
  };
  if (!isIntegerIn(resolved.threads, 1, MAX_THREADS))
    throw new RangeError(`threads must be an integer from 1 to ${MAX_THREADS}`);
  if (!isIntegerIn(resolved.nice, 0, MAX_NICE))
    throw new RangeError(`nice must be an integer from 0 to ${MAX_NICE}`);
  if (!isIntegerIn(resolved.maxQueue, 1, Number.MAX_SAFE_INTEGER))
    throw new RangeError('maxQueue must be a positive integer');
  return resolved;
}

/** The compiled worker beside this file (`dist/`), or the TypeScript source (tests). */
const WORKER_JS = join(__dirname, 'bcrypt-worker.js');
const WORKER_TS = join(__dirname, 'bcrypt-worker.ts');

interface Transpiler {
  transformSync(source: string, options: object): { code: string };
}

let workerScript: { readonly filename: string; readonly eval: boolean } | undefined;

/**
 * How to start a worker: the compiled `bcrypt-worker.js` when it is there (a build); else, when
 * the pool runs from the TypeScript sources under Jest (which compiles in memory, and a worker
 * thread gets no Jest transform), `bcrypt-worker.ts` transpiled by the compiler the tests use and
 * evaluated as CommonJS. The same module either way, type-checked and linted with the rest.
 */
function workerEntry(): { readonly filename: string; readonly eval: boolean } {
  if (workerScript !== undefined) return workerScript;
  if (existsSync(WORKER_JS)) {
    workerScript = { filename: WORKER_JS, eval: false };
  } else {
    const swc = createRequire(__filename)('@swc/core') as Transpiler;
    const { code } = swc.transformSync(readFileSync(WORKER_TS, 'utf8'), {
      filename: WORKER_TS,
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    workerScript = { filename: code, eval: true };
  }
  return workerScript;
}

interface Job {
  readonly request: WorkerRequest;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: Error) => void;
  /** `performance.now()` when a worker took it. */
  startedAt: number;
}

interface Slot {
  readonly worker: Worker;
  /** The job this worker is running; a worker runs one at a time. */
  job: Job | undefined;
  /** The worker's uncaught error, if it had one (it then exits). */
  error: Error | undefined;
}

function isReply(message: unknown): message is WorkerReply {
  if (typeof message !== 'object' || message === null) return false;
  const reply = message as Record<string, unknown>;
  if (reply.ok === true) return 'value' in reply;
  return reply.ok === false && typeof reply.message === 'string';
}

function closedError(): Error {
  return new Error('the bcrypt pool is closed');
}

/**
 * bcrypt on a few dedicated worker threads at a lowered CPU priority, behind a bounded FIFO queue.
 *
 * bcrypt's async API runs on libuv's four-thread pool at the event loop's priority, so a burst of
 * logins takes the CPU from the event loop and every other request (signing) waits. Here at most
 * `threads` bcrypt computations run at once, each on a thread that lowered its own priority
 * (`nice`), so the event loop wins the CPU whenever it has work; further jobs wait in order, and
 * past `maxQueue` waiting jobs a new one is refused at once.
 *
 * - Workers start on demand and are unref'd while idle, so the pool never keeps a process alive;
 *   a worker with a job is ref'd (as bcrypt's libuv request was), so a short-lived CLI still
 *   waits for its hash.
 * - A worker that dies rejects its job and is replaced; {@link close} rejects every job not
 *   answered yet. No job waits forever.
 */
export class BcryptPool {
  readonly threads: number;
  readonly nice: number;
  readonly maxQueue: number;
  private readonly bcryptPath: string;
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly queue: Job[] = [];
  /** Running mean of a job's duration, for the `retryAfterSeconds` hint. */
  private meanJobMs = INITIAL_JOB_MS;
  private closing: Promise<void> | undefined;

  constructor(options: BcryptPoolOptions = {}) {
    const resolved = resolveBcryptPoolOptions(options);
    this.threads = resolved.threads;
    this.nice = resolved.nice;
    this.maxQueue = resolved.maxQueue;
    this.bcryptPath = require.resolve('bcrypt');
  }

  /**
   * bcrypt's `hashSync(data, cost)` (a fresh random salt) on a worker thread.
   *
   * @throws DomainError `too_many_attempts` (with `retryAfterSeconds`) when the queue is full.
   */
  async hash(data: string, cost: number): Promise<string> {
    if (typeof data !== 'string') throw new TypeError('data must be a string');
    if (!isIntegerIn(cost, 4, 31)) throw new RangeError('cost must be an integer from 4 to 31');
    const value = await this.submit({ op: 'hash', data, cost });
    if (typeof value !== 'string') throw new Error('the bcrypt worker answered no hash');
    return value;
  }

  /**
   * bcrypt's `compareSync(data, hash)` on a worker thread.
   *
   * @throws DomainError `too_many_attempts` (with `retryAfterSeconds`) when the queue is full.
   */
  async compare(data: string, hash: string): Promise<boolean> {
    if (typeof data !== 'string') throw new TypeError('data must be a string');
    if (typeof hash !== 'string') throw new TypeError('hash must be a string');
    const value = await this.submit({ op: 'compare', data, hash });
    if (typeof value !== 'boolean') throw new Error('the bcrypt worker answered no boolean');
    return value;
  }

  /** Jobs waiting for a thread. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Stops the workers. Jobs not answered yet, running or waiting, reject with an Error; later jobs
   * too. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(closedError());
    this.idle.length = 0;
    const slots = [...this.slots];
    for (const slot of slots) {
      slot.job?.reject(closedError());
      slot.job = undefined;
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private submit(request: WorkerRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const job: Job = { request, resolve, reject, startedAt: 0 };
      if (this.closing !== undefined) {
        reject(closedError());
        return;
      }
      const slot = this.idle.pop() ?? (this.slots.size < this.threads ? this.spawn() : undefined);
      if (slot !== undefined) this.start(slot, job);
      else if (this.queue.length < this.maxQueue) this.queue.push(job);
      else reject(this.busy());
    });
  }

  /** The refusal of a job that finds the queue full. */
  private busy(): DomainError {
    // Time for the jobs ahead to drain, as a hint: a retry before then is refused again.
    const ahead = this.queue.length + this.slots.size;
    const drain = Math.ceil((ahead * this.meanJobMs) / this.threads / 1000);
    const retryAfterSeconds = Math.min(MAX_RETRY_SECONDS, Math.max(MIN_RETRY_SECONDS, drain));
    // `too_many_attempts` is the employee API's code for throttled logins (PROTOCOL.md §4).
    return new DomainError(
      ErrorCode.TooManyAttempts,
      'the server is busy with other logins; try again in a few seconds',
      { retryAfterSeconds },
    );
  }

  private spawn(): Slot {
    const entry = workerEntry();
    const workerData: BcryptWorkerData = {
      bcryptWorker: true,
      bcryptPath: this.bcryptPath,
      nice: this.nice,
    };
    const worker = new Worker(entry.filename, { eval: entry.eval, workerData });
    const slot: Slot = { worker, job: undefined, error: undefined };
    worker.on('message', (message: unknown) => this.onReply(slot, message));
    worker.on('messageerror', (error: Error) => this.onReply(slot, error));
    worker.on('error', (error: Error) => {
      slot.error = error;
    });
    worker.on('exit', (code: number) => this.onExit(slot, code));
    // After the listeners: attaching a 'message' listener refs the worker's port again.
    worker.unref();
    this.slots.add(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    job.startedAt = performance.now();
    slot.worker.ref();
    slot.worker.postMessage(job.request);
  }

  /** A worker answered (or its answer could not be read: `reply` is then the Error). */
  private onReply(slot: Slot, reply: unknown): void {
    const job = slot.job;
    if (job === undefined) return;
    slot.job = undefined;
    this.meanJobMs += (performance.now() - job.startedAt - this.meanJobMs) / 8;
    if (!isReply(reply)) {
      job.reject(new Error('unreadable answer of a bcrypt worker', { cause: reply }));
    } else if (reply.ok) {
      job.resolve(reply.value);
    } else {
      job.reject(new Error(`bcrypt failed: ${reply.message}`));
    }
    const next = this.queue.shift();
    if (next !== undefined) {
      this.start(slot, next);
    } else {
      slot.worker.unref();
      this.idle.push(slot);
    }
  }

  /** A worker stopped: its job fails, and a replacement takes the next waiting job. */
  private onExit(slot: Slot, code: number): void {
    this.slots.delete(slot);
    const at = this.idle.indexOf(slot);
    if (at >= 0) this.idle.splice(at, 1);
    const job = slot.job;
    slot.job = undefined;
    if (this.closing !== undefined) {
      job?.reject(closedError());
      return;
    }
    const why = slot.error === undefined ? `exit code ${code}` : slot.error.message;
    job?.reject(new Error(`a bcrypt worker stopped (${why})`, { cause: slot.error }));
    const next = this.queue.shift();
    if (next !== undefined) this.start(this.spawn(), next);
  }
}
