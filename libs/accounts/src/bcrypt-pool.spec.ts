import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { type Worker } from 'node:worker_threads';
import bcrypt from 'bcrypt';
import { DomainError, ErrorCode } from '@dss/common';
import {
  BcryptPool,
  type BcryptPoolOptions,
  DEFAULT_BCRYPT_MAX_QUEUE,
  DEFAULT_BCRYPT_NICE,
  defaultBcryptThreads,
  resolveBcryptPoolOptions,
} from './bcrypt-pool';

const COST = 10;

/** Known answers from jBCrypt's test vectors (also in OpenBSD's and node.bcrypt.js's suites). */
const VECTORS: readonly (readonly [password: string, hash: string])[] = [
  ['', '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.'],
  ['a', '$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe'],
  ['abc', '$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i'],
];

/** Nice value the priority test asks for; no other thread of the test process uses it. */
const TEST_NICE = 13;

/** Field 19 (`nice`) of `/proc/self/task/<tid>/stat` for every thread of this process. */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      return []; // the thread ended meanwhile
    }
    // Field 2, the command, is parenthesized and may hold spaces; field 3 follows ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [Number(fields[19 - 3])];
  });
}

/** The live worker threads of `pool` (white box: the test needs one to kill). */
function workersOf(pool: BcryptPool): Worker[] {
  return [...(pool as unknown as { slots: Set<{ worker: Worker }> }).slots].map((s) => s.worker);
}

/** Active resources of the process that are message ports (a ref'd worker holds one). */
function refdPorts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
}

/** What `promise` rejects with; fails when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('BcryptPool', () => {
  const pools: BcryptPool[] = [];
  const open = (options: BcryptPoolOptions = {}): BcryptPool => {
    const pool = new BcryptPool(options);
    pools.push(pool);
    return pool;
  };

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });

  it('has the documented defaults and checks its options', () => {
    expect(resolveBcryptPoolOptions()).toEqual({
      threads: defaultBcryptThreads(),
      nice: DEFAULT_BCRYPT_NICE,
      maxQueue: DEFAULT_BCRYPT_MAX_QUEUE,
    });
    expect(DEFAULT_BCRYPT_NICE).toBe(10);
    expect(DEFAULT_BCRYPT_MAX_QUEUE).toBe(256);
    expect(defaultBcryptThreads()).toBeGreaterThanOrEqual(1);
    expect(() => new BcryptPool({ threads: 0 })).toThrow(RangeError);
    expect(() => new BcryptPool({ threads: 1.5 })).toThrow(RangeError);
    expect(() => new BcryptPool({ nice: -1 })).toThrow(RangeError);
    expect(() => new BcryptPool({ nice: 20 })).toThrow(RangeError);
    expect(() => new BcryptPool({ maxQueue: 0 })).toThrow(RangeError);
  });

  it('compares like bcrypt on its known-answer vectors', async () => {
    const pool = open({ threads: 1 });
    for (const [password, hash] of VECTORS) {
      expect(bcrypt.compareSync(password, hash)).toBe(true);
      await expect(pool.compare(password, hash)).resolves.toBe(true);
      await expect(pool.compare(`${password}x`, hash)).resolves.toBe(false);
    }
  });

  it('makes hashes bcrypt verifies, and verifies the hashes bcrypt makes', async () => {
    const pool = open({ threads: 1 });
    const ours = await pool.hash('correct-Staple-Wombat-93', COST);
    expect(ours).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    expect(bcrypt.getRounds(ours)).toBe(COST);
    await expect(bcrypt.compare('correct-Staple-Wombat-93', ours)).resolves.toBe(true);
    await expect(bcrypt.compare('correct-Staple-Wombat-94', ours)).resolves.toBe(false);
    expect(await pool.hash('correct-Staple-Wombat-93', COST)).not.toBe(ours); // random salt

    const theirs = await bcrypt.hash('correct-Staple-Wombat-93', COST);
    await expect(pool.compare('correct-Staple-Wombat-93', theirs)).resolves.toBe(true);
    await expect(pool.compare('correct-Staple-Wombat-94', theirs)).resolves.toBe(false);
  });

  it('rejects bad arguments before they reach a worker', async () => {
    const pool = open({ threads: 1 });
    await expect(pool.hash('x', 3)).rejects.toThrow(RangeError);
    await expect(pool.hash(7 as unknown as string, COST)).rejects.toThrow(TypeError);
    await expect(pool.compare('x', null as unknown as string)).rejects.toThrow(TypeError);
    expect(workersOf(pool)).toHaveLength(0);
  });

  it('runs concurrent jobs one after another, in order, on one thread', async () => {
    const pool = open({ threads: 1 });
    const finished: number[] = [];
    const track = async (job: Promise<boolean>, index: number) => {
      const ok = await job;
      finished.push(index);
      return ok;
    };
    const compares = VECTORS.flatMap(([password, hash]) => [
      pool.compare(password, hash),
      pool.compare(`${password}x`, hash),
    ]);
    const jobs = compares.map(track);
    expect(pool.waiting).toBe(jobs.length - 1);
    expect(await Promise.all(jobs)).toEqual([true, false, true, false, true, false]);
    expect(finished).toEqual([0, 1, 2, 3, 4, 5]);
    expect(workersOf(pool)).toHaveLength(1);
  });

  it('spreads jobs over its threads, never more', async () => {
    const pool = open({ threads: 2 });
    const jobs = VECTORS.map(([password, hash]) => pool.compare(password, hash));
    expect(workersOf(pool)).toHaveLength(2);
    expect(pool.waiting).toBe(1);
    expect(await Promise.all(jobs)).toEqual([true, true, true]);
  });

  it('refuses a job at once (429 too_many_attempts) when maxQueue jobs wait', async () => {
    const pool = open({ threads: 1, maxQueue: 2 });
    const accepted = [
      pool.compare(...VECTORS[0]), // running
      pool.compare(...VECTORS[1]), // waiting
      pool.compare(...VECTORS[2]), // waiting
    ];
    expect(pool.waiting).toBe(2);
    const refused = await rejectionOf(pool.compare(...VECTORS[0]));
    expect(refused).toBeInstanceOf(DomainError);
    const error = refused as DomainError;
    expect(error).toMatchObject({ code: ErrorCode.TooManyAttempts, status: 429 });
    expect(error.message).toMatch(/busy with other logins/);
    const retry = error.details.retryAfterSeconds;
    expect(Number.isInteger(retry)).toBe(true);
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    // The refusal did not disturb the accepted jobs, and there is room again afterwards.
    expect(await Promise.all(accepted)).toEqual([true, true, true]);
    await expect(pool.compare(...VECTORS[0])).resolves.toBe(true);
  });

  it('fails the job of a worker that dies, then replaces the worker', async () => {
    const pool = open({ threads: 1 });
    // Assertions attached at once: the job rejects before the test gets back to it.
    const inFlight = expect(pool.hash('correct-Staple-Wombat-93', COST)).rejects.toThrow(
      /bcrypt worker stopped/,
    );
    const waiting = pool.compare(...VECTORS[2]);
    const [worker] = workersOf(pool);
    await worker.terminate();
    await inFlight;
    await expect(waiting).resolves.toBe(true);
    expect(workersOf(pool)).toHaveLength(1);
    expect(workersOf(pool)[0]).not.toBe(worker);
    await expect(pool.compare(...VECTORS[1])).resolves.toBe(true);
  });

  it('replaces a dead idle worker on the next job', async () => {
    const pool = open({ threads: 1 });
    await expect(pool.compare(...VECTORS[0])).resolves.toBe(true);
    const [worker] = workersOf(pool);
    await worker.terminate();
    expect(workersOf(pool)).toHaveLength(0);
    await expect(pool.compare(...VECTORS[1])).resolves.toBe(true);
  });

  it('on close rejects the running and the waiting jobs, and every later one', async () => {
    const pool = open({ threads: 1 });
    const running = expect(pool.hash('correct-Staple-Wombat-93', COST)).rejects.toThrow(
      /bcrypt pool is closed/,
    );
    const waiting = expect(pool.compare(...VECTORS[0])).rejects.toThrow(/bcrypt pool is closed/);
    expect(pool.waiting).toBe(1);
    await pool.close();
    await running;
    await waiting;
    expect(workersOf(pool)).toHaveLength(0);
    await expect(pool.compare(...VECTORS[0])).rejects.toThrow(/bcrypt pool is closed/);
    await expect(pool.close()).resolves.toBeUndefined();
  });

  it('keeps the process alive only while a job runs', async () => {
    const pool = open({ threads: 1 });
    const idle = refdPorts();
    const job = pool.compare(...VECTORS[0]);
    expect(refdPorts()).toBe(idle + 1);
    await job;
    expect(workersOf(pool)).toHaveLength(1);
    expect(refdPorts()).toBe(idle);
  });

  const lowerable =
    process.platform === 'linux' && existsSync('/proc/thread-self') && getPriority() < TEST_NICE;
  (lowerable ? it : it.skip)('runs its threads at the requested nice value (Linux)', async () => {
    const atTestNice = () => threadNices().filter((nice) => nice === TEST_NICE).length;
    expect(atTestNice()).toBe(0);
    const pool = open({ threads: 2, nice: TEST_NICE });
    await Promise.all([pool.compare(...VECTORS[0]), pool.compare(...VECTORS[1])]);
    expect(workersOf(pool)).toHaveLength(2);
    expect(atTestNice()).toBe(2);
    expect(getPriority()).toBeLessThan(TEST_NICE); // the event loop's thread is untouched
  });
});
