import { createHmac, randomInt } from 'node:crypto';
import { DomainError, ErrorCode } from '@dss/common';
import { type DssConfig } from '@dss/config';
import {
  BcryptPool,
  type BcryptPoolOptions,
  type ResolvedBcryptPoolOptions,
  resolveBcryptPoolOptions,
} from './bcrypt-pool';

/** The lowest bcrypt cost DSS accepts (DESIGN.md §5). */
export const MIN_BCRYPT_COST = 10;

/** bcrypt's own upper bound. */
const MAX_BCRYPT_COST = 31;

/** Shortest pepper accepted, in bytes. */
const MIN_PEPPER_BYTES = 32;

/** `$2a$` / `$2b$` / `$2y$`, two-digit cost, 22 characters of salt and 31 of hash. */
const BCRYPT_HASH = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/** bcrypt's base64 alphabet. */
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function assertPassword(password: unknown): asserts password is string {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
}

/** How a {@link PasswordHasher} runs bcrypt: its worker pool (every field has a default). */
export type PasswordHasherOptions = BcryptPoolOptions;

/** The pools of this process, one per option set, with how many hashers hold each. */
const sharedPools = new Map<string, { pool: BcryptPool; holders: number }>();

function poolKey(options: ResolvedBcryptPoolOptions): string {
  return `${options.threads}/${options.nice}/${options.maxQueue}`;
}

/**
 * Password hashing (DESIGN.md §5): bcrypt over base64(HMAC-SHA-256(pepper, password)), the
 * OWASP "pre-hashing with a pepper" pattern.
 *
 * - bcrypt reads at most 72 bytes; the 44-character base64 HMAC makes every byte of a long
 *   password count, and base64 keeps NUL bytes out of bcrypt's C string.
 * - The pepper lives outside the database, so a dump of `users` alone cannot be attacked offline.
 * - Passwords are NFKC-normalized first (NIST SP 800-63B §5.1.1.2), so the same password typed on
 *   different keyboards or input methods verifies.
 * - bcrypt runs in a {@link BcryptPool}: a few worker threads at a lowered CPU priority behind a
 *   bounded queue, so a flood of logins neither blocks nor starves the event loop (signing keeps
 *   its latency); past the queue bound a login is refused with `too_many_attempts`.
 * - The pool is shared by every hasher of the process with the same options (bcrypt's CPU budget
 *   is the process's, not a hasher's) and created on first use, so a hasher that never hashes
 *   starts no thread. {@link close} lets go of it; the last holder's close stops its workers, and
 *   a hasher used again after `close` takes a pool again.
 */
export class PasswordHasher {
  /** A valid bcrypt hash of the same cost that no password matches (random salt and digest). */
  private readonly dummyHash: string;
  private readonly pepper: Buffer;
  private readonly poolOptions: ResolvedBcryptPoolOptions;
  /** The shared pool this hasher holds, taken on first use. */
  private pool: BcryptPool | undefined;

  /**
   * @param pepper HMAC key, at least 32 bytes (see `loadOrCreatePepper`).
   * @param cost bcrypt cost, 10 to 31 (12 by default in the config).
   * @param options the bcrypt pool: `threads`, `nice`, `maxQueue` (see {@link BcryptPoolOptions}).
   */
  constructor(
    pepper: Buffer,
    readonly cost: number,
    options: PasswordHasherOptions = {},
  ) {
    if (!Buffer.isBuffer(pepper) || pepper.length < MIN_PEPPER_BYTES) {
      throw new TypeError(`pepper must be a Buffer of at least ${MIN_PEPPER_BYTES} bytes`);
    }
    if (!Number.isInteger(cost) || cost < MIN_BCRYPT_COST || cost > MAX_BCRYPT_COST) {
      throw new RangeError(
        `bcrypt cost must be an integer from ${MIN_BCRYPT_COST} to ${MAX_BCRYPT_COST}`,
      );
    }
    this.poolOptions = resolveBcryptPoolOptions(options);
    this.pepper = Buffer.from(pepper);
    let body = '';
    for (let i = 0; i < 53; i++) body += BCRYPT_ALPHABET[randomInt(BCRYPT_ALPHABET.length)];
    this.dummyHash = `$2b$${String(cost).padStart(2, '0')}$${body}`;
  }

  /**
   * The hasher of a configuration: `bcryptCost`, and the pool from `bcryptThreads`,
   * `bcryptNice` and `bcryptMaxQueue` (`DSS_BCRYPT_*`).
   */
  static fromConfig(
    pepper: Buffer,
    config: Pick<DssConfig, 'bcryptCost' | 'bcryptThreads' | 'bcryptNice' | 'bcryptMaxQueue'>,
  ): PasswordHasher {
    return new PasswordHasher(pepper, config.bcryptCost, {
      threads: config.bcryptThreads,
      nice: config.bcryptNice,
      maxQueue: config.bcryptMaxQueue,
    });
  }

  /** base64(HMAC-SHA-256(pepper, NFKC(password))): 44 ASCII characters, what bcrypt sees. */
  private preHash(password: string): string {
    return createHmac('sha256', this.pepper)
      .update(password.normalize('NFKC'), 'utf8')
      .digest('base64');
  }

  /** bcrypt jobs waiting for a thread of this hasher's pool (0 before its first use). */
  get queueDepth(): number {
    return this.pool?.waiting ?? 0;
  }

  /**
   * A new bcrypt hash (random salt, this hasher's cost) of the peppered password.
   *
   * @throws DomainError `too_many_attempts` when the bcrypt queue is full.
   */
  async hash(password: string): Promise<string> {
    assertPassword(password);
    return this.workers().hash(this.preHash(password), this.cost);
  }

  /**
   * True when `password` matches `hash`. Throws if `hash` is not a bcrypt hash (a corrupt row is
   * a server fault, not a wrong password).
   *
   * @throws DomainError `too_many_attempts` when the bcrypt queue is full.
   */
  async verify(password: string, hash: string): Promise<boolean> {
    assertPassword(password);
    if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) {
      throw new Error('stored password hash is not a bcrypt hash');
    }
    return this.workers().compare(this.preHash(password), hash);
  }

  /**
   * Spends the time of a {@link verify} at this cost and answers false: used for unknown users,
   * so the response time does not tell whether an account exists. It queues like a
   * {@link verify} too, and is refused the same way when the queue is full.
   *
   * @throws DomainError `too_many_attempts` when the bcrypt queue is full.
   */
  async dummyVerify(password: string): Promise<false> {
    assertPassword(password);
    await this.workers().compare(this.preHash(password), this.dummyHash);
    return false;
  }

  /** True when `hash` was made with a lower cost than this hasher's (rehash after a login). */
  needsRehash(hash: string): boolean {
    const match = BCRYPT_HASH.exec(hash);
    return match === null || Number(match[1]) < this.cost;
  }

  /**
   * After a successful login: a new hash of `password` at this hasher's cost when `hash` was made
   * at a lower one, else undefined. Also undefined when the pool refuses the job because it is
   * full: the login has succeeded and must not fail for an upgrade that the next login can make.
   */
  async upgradedHash(password: string, hash: string): Promise<string | undefined> {
    if (!this.needsRehash(hash)) return undefined;
    try {
      return await this.hash(password);
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.TooManyAttempts) return undefined;
      throw err;
    }
  }

  /**
   * Lets go of the bcrypt pool. When no other hasher holds it, its workers stop and the jobs not
   * answered yet reject; otherwise they complete. The hasher stays usable (it takes a pool again).
   */
  async close(): Promise<void> {
    const pool = this.pool;
    if (pool === undefined) return;
    this.pool = undefined;
    const key = poolKey(this.poolOptions);
    const shared = sharedPools.get(key);
    if (shared === undefined || shared.pool !== pool) return;
    shared.holders -= 1;
    if (shared.holders > 0) return;
    sharedPools.delete(key);
    await pool.close();
  }

  /** The shared pool for this hasher's options, taken on first use. */
  private workers(): BcryptPool {
    if (this.pool !== undefined) return this.pool;
    const key = poolKey(this.poolOptions);
    let shared = sharedPools.get(key);
    if (shared === undefined) {
      shared = { pool: new BcryptPool(this.poolOptions), holders: 0 };
      sharedPools.set(key, shared);
    }
    shared.holders += 1;
    this.pool = shared.pool;
    return shared.pool;
  }
}
