import { createHmac, randomInt } from 'node:crypto';
import bcrypt from 'bcrypt';

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

/**
 * Password hashing (DESIGN.md §5): bcrypt over base64(HMAC-SHA-256(pepper, password)), the
 * OWASP "pre-hashing with a pepper" pattern.
 *
 * - bcrypt reads at most 72 bytes; the 44-character base64 HMAC makes every byte of a long
 *   password count, and base64 keeps NUL bytes out of bcrypt's C string.
 * - The pepper lives outside the database, so a dump of `users` alone cannot be attacked offline.
 * - Passwords are NFKC-normalized first (NIST SP 800-63B §5.1.1.2), so the same password typed on
 *   different keyboards or input methods verifies.
 * - Only bcrypt's async API is used: the work runs on the libuv threadpool, not the event loop.
 */
export class PasswordHasher {
  /** A valid bcrypt hash of the same cost that no password matches (random salt and digest). */
  private readonly dummyHash: string;
  private readonly pepper: Buffer;

  /**
   * @param pepper HMAC key, at least 32 bytes (see `loadOrCreatePepper`).
   * @param cost bcrypt cost, 10 to 31 (12 by default in the config).
   */
  constructor(
    pepper: Buffer,
    readonly cost: number,
  ) {
    if (!Buffer.isBuffer(pepper) || pepper.length < MIN_PEPPER_BYTES) {
      throw new TypeError(`pepper must be a Buffer of at least ${MIN_PEPPER_BYTES} bytes`);
    }
    if (!Number.isInteger(cost) || cost < MIN_BCRYPT_COST || cost > MAX_BCRYPT_COST) {
      throw new RangeError(
        `bcrypt cost must be an integer from ${MIN_BCRYPT_COST} to ${MAX_BCRYPT_COST}`,
      );
    }
    this.pepper = Buffer.from(pepper);
    let body = '';
    for (let i = 0; i < 53; i++) body += BCRYPT_ALPHABET[randomInt(BCRYPT_ALPHABET.length)];
    this.dummyHash = `$2b$${String(cost).padStart(2, '0')}$${body}`;
  }

  /** base64(HMAC-SHA-256(pepper, NFKC(password))): 44 ASCII characters, what bcrypt sees. */
  private preHash(password: string): string {
    return createHmac('sha256', this.pepper)
      .update(password.normalize('NFKC'), 'utf8')
      .digest('base64');
  }

  /** A new bcrypt hash (random salt, this hasher's cost) of the peppered password. */
  async hash(password: string): Promise<string> {
    assertPassword(password);
    return bcrypt.hash(this.preHash(password), this.cost);
  }

  /**
   * True when `password` matches `hash`. Throws if `hash` is not a bcrypt hash (a corrupt row is
   * a server fault, not a wrong password).
   */
  async verify(password: string, hash: string): Promise<boolean> {
    assertPassword(password);
    if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) {
      throw new Error('stored password hash is not a bcrypt hash');
    }
    return bcrypt.compare(this.preHash(password), hash);
  }

  /**
   * Spends the time of a {@link verify} at this cost and answers false: used for unknown users,
   * so the response time does not tell whether an account exists.
   */
  async dummyVerify(password: string): Promise<false> {
    assertPassword(password);
    await bcrypt.compare(this.preHash(password), this.dummyHash);
    return false;
  }

  /** True when `hash` was made with a lower cost than this hasher's (rehash after a login). */
  needsRehash(hash: string): boolean {
    const match = BCRYPT_HASH.exec(hash);
    return match === null || Number(match[1]) < this.cost;
  }
}
