import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import { DomainError, ErrorCode } from '@dss/common';
import { loadConfig } from '@dss/config';
import { BcryptPool } from './bcrypt-pool';
import { MIN_BCRYPT_COST, PasswordHasher, type PasswordHasherOptions } from './password-hasher';

const COST = 10;

describe('PasswordHasher', () => {
  const pepper = randomBytes(32);
  const hashers: PasswordHasher[] = [];
  /** A hasher closed after all tests. */
  const make = (cost = COST, options: PasswordHasherOptions = {}) => {
    const made = new PasswordHasher(pepper, cost, options);
    hashers.push(made);
    return made;
  };
  const hasher = make();

  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await Promise.all(hashers.map((h) => h.close()));
  });

  it('hashes with bcrypt at the configured cost and verifies', async () => {
    const hash = await hasher.hash('correct-Staple-Wombat-93');
    expect(hash).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    expect(hash).not.toContain('correct');
    await expect(hasher.verify('correct-Staple-Wombat-93', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct-Staple-Wombat-94', hash)).resolves.toBe(false);
    expect(await hasher.hash('correct-Staple-Wombat-93')).not.toBe(hash); // random salt
  });

  it('is bcrypt over base64(HMAC-SHA-256(pepper, password)), not over the password', async () => {
    const hash = await hasher.hash('correct-Staple-Wombat-93');
    await expect(bcrypt.compare('correct-Staple-Wombat-93', hash)).resolves.toBe(false);
    const other = new PasswordHasher(randomBytes(32), COST);
    hashers.push(other);
    await expect(other.verify('correct-Staple-Wombat-93', hash)).resolves.toBe(false);
  });

  it('distinguishes 100-character passwords that differ only after byte 72', async () => {
    const prefix = 'x'.repeat(99);
    const hash = await hasher.hash(`${prefix}A`);
    await expect(hasher.verify(`${prefix}A`, hash)).resolves.toBe(true);
    await expect(hasher.verify(`${prefix}B`, hash)).resolves.toBe(false);
    // Plain bcrypt would have accepted it: it reads only the first 72 bytes.
    const plain = await bcrypt.hash(`${prefix}A`, COST);
    await expect(bcrypt.compare(`${prefix}B`, plain)).resolves.toBe(true);
  });

  it('normalizes passwords (NFKC) so the same characters always verify', async () => {
    const hash = await hasher.hash('Ｃａｆｅ\u0301 Noir 2025!');
    await expect(hasher.verify('Café Noir 2025!', hash)).resolves.toBe(true);
  });

  it('spends a bcrypt of the same cost in dummyVerify and answers false', async () => {
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    await expect(hasher.dummyVerify('anything at all')).resolves.toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    const [, dummy] = compare.mock.calls[0];
    expect(dummy).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    expect(bcrypt.getRounds(dummy)).toBe(COST);
  });

  it('does the same work in dummyVerify as in a failed verify: one bcrypt compare at the same cost', async () => {
    // Proved by the work done, not by a wall-clock ratio (which a loaded machine makes flaky).
    const hash = await hasher.hash('correct-Staple-Wombat-93');
    const compare = jest.spyOn(BcryptPool.prototype, 'compare');
    await expect(hasher.verify('wrong password here', hash)).resolves.toBe(false);
    await expect(hasher.dummyVerify('wrong password here')).resolves.toBe(false);
    expect(compare).toHaveBeenCalledTimes(2);
    const [[realInput, realHash], [dummyInput, dummyHash]] = compare.mock.calls;
    expect(dummyInput).toEqual(realInput); // the same pre-hashed password
    expect(bcrypt.getRounds(dummyHash)).toBe(bcrypt.getRounds(realHash));
  });

  it('tells when a hash is below the configured cost', async () => {
    const old = await make(10).hash('correct-Staple-Wombat-93');
    expect(hasher.needsRehash(old)).toBe(false);
    expect(make(11).needsRehash(old)).toBe(true);
  });

  it('asserts its inputs', async () => {
    expect(MIN_BCRYPT_COST).toBe(10);
    expect(() => new PasswordHasher(pepper, 9)).toThrow(RangeError);
    expect(() => new PasswordHasher(pepper, 10.5)).toThrow(RangeError);
    expect(() => new PasswordHasher(randomBytes(31), COST)).toThrow(TypeError);
    expect(() => new PasswordHasher(pepper, COST, { threads: 0 })).toThrow(RangeError);
    expect(() => new PasswordHasher(pepper, COST, { nice: 20 })).toThrow(RangeError);
    expect(() => new PasswordHasher(pepper, COST, { maxQueue: 0 })).toThrow(RangeError);
    await expect(hasher.hash(undefined as unknown as string)).rejects.toThrow(TypeError);
    await expect(hasher.verify('x', 'not a bcrypt hash')).rejects.toThrow(/not a bcrypt hash/);
  });

  it('is built from the configuration', async () => {
    const config = loadConfig({
      DSS_BCRYPT_COST: '11',
      DSS_BCRYPT_THREADS: '1',
      DSS_BCRYPT_NICE: '12',
      DSS_BCRYPT_QUEUE: '7',
    });
    const configured = PasswordHasher.fromConfig(pepper, config);
    hashers.push(configured);
    expect(configured.cost).toBe(11);
    const hash = await configured.hash('correct-Staple-Wombat-93');
    expect(bcrypt.getRounds(hash)).toBe(11);
    await expect(configured.verify('correct-Staple-Wombat-93', hash)).resolves.toBe(true);
  });

  it('answers 429 too_many_attempts to any check when the bcrypt queue is full', async () => {
    const busy = make(COST, { threads: 1, maxQueue: 1, nice: 11 });
    const hash = await busy.hash('correct-Staple-Wombat-93');
    const accepted = [
      busy.verify('correct-Staple-Wombat-93', hash), // running
      busy.dummyVerify('correct-Staple-Wombat-93'), // waiting
    ];
    const refusals = [
      busy.verify('correct-Staple-Wombat-93', hash),
      busy.dummyVerify('correct-Staple-Wombat-93'),
      busy.hash('correct-Staple-Wombat-93'),
    ];
    await Promise.all(refusals.map((r) => expect(r).rejects.toThrow(DomainError)));
    const refused = { code: ErrorCode.TooManyAttempts, status: 429 };
    await Promise.all(refusals.map((r) => expect(r).rejects.toMatchObject(refused)));
    expect(await Promise.all(accepted)).toEqual([true, false]);
  });

  it('upgrades an outdated hash after a login, but never fails the login for it', async () => {
    const current = await hasher.hash('correct-Staple-Wombat-93');
    await expect(hasher.upgradedHash('correct-Staple-Wombat-93', current)).resolves.toBeUndefined();
    const stronger = make(11, { threads: 1, maxQueue: 1, nice: 13 });
    const upgraded = await stronger.upgradedHash('correct-Staple-Wombat-93', current);
    expect(bcrypt.getRounds(upgraded!)).toBe(11);
    await expect(stronger.verify('correct-Staple-Wombat-93', upgraded!)).resolves.toBe(true);
    // A full pool: the upgrade is skipped (the next login makes it), not an error.
    const running = [stronger.hash('x'), stronger.hash('y')];
    await expect(
      stronger.upgradedHash('correct-Staple-Wombat-93', current),
    ).resolves.toBeUndefined();
    await Promise.all(running);
  });

  it('shares a pool between hashers with the same options until the last closes', async () => {
    const options = { threads: 1, nice: 12, maxQueue: 3 };
    const first = new PasswordHasher(pepper, COST, options);
    const second = new PasswordHasher(randomBytes(32), COST, options);
    const hash = await first.hash('correct-Staple-Wombat-93');
    await expect(second.verify('correct-Staple-Wombat-93', hash)).resolves.toBe(false);
    const poolOf = (h: PasswordHasher) => (h as unknown as { pool?: BcryptPool }).pool;
    expect(poolOf(first)).toBeDefined();
    expect(poolOf(second)).toBe(poolOf(first));

    // The first lets go: the second's job still completes on the shared pool.
    const pending = second.hash('correct-Staple-Wombat-93');
    await first.close();
    expect(poolOf(first)).toBeUndefined();
    await expect(pending).resolves.toMatch(/^\$2b\$10\$/);

    // The last holder's close stops the pool: its unanswered job rejects, cleanly.
    const cut = expect(second.hash('correct-Staple-Wombat-93')).rejects.toThrow(/closed/);
    await second.close();
    await cut;

    // A closed hasher takes a pool again when used.
    await expect(first.verify('correct-Staple-Wombat-93', hash)).resolves.toBe(true);
    await first.close();
    await expect(second.close()).resolves.toBeUndefined();
  });
});
