import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import { MIN_BCRYPT_COST, PasswordHasher } from './password-hasher';

const COST = 10;

describe('PasswordHasher', () => {
  const pepper = randomBytes(32);
  const hasher = new PasswordHasher(pepper, COST);

  afterEach(() => jest.restoreAllMocks());

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
    const compare = jest.spyOn(bcrypt, 'compare');
    await expect(hasher.dummyVerify('anything at all')).resolves.toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    const [, dummy] = compare.mock.calls[0] as unknown as [string, string];
    expect(dummy).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    expect(bcrypt.getRounds(dummy)).toBe(COST);
  });

  it('takes about as long for dummyVerify as for verify', async () => {
    const hash = await hasher.hash('correct-Staple-Wombat-93');
    const time = async (work: () => Promise<boolean>) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 3; i++) await work();
      return Number(process.hrtime.bigint() - start);
    };
    const real = await time(() => hasher.verify('wrong password here', hash));
    const dummy = await time(() => hasher.dummyVerify('wrong password here'));
    expect(dummy / real).toBeGreaterThan(0.33);
    expect(dummy / real).toBeLessThan(3);
  });

  it('tells when a hash is below the configured cost', async () => {
    const old = await new PasswordHasher(pepper, 10).hash('correct-Staple-Wombat-93');
    expect(hasher.needsRehash(old)).toBe(false);
    expect(new PasswordHasher(pepper, 11).needsRehash(old)).toBe(true);
  });

  it('asserts its inputs', async () => {
    expect(MIN_BCRYPT_COST).toBe(10);
    expect(() => new PasswordHasher(pepper, 9)).toThrow(RangeError);
    expect(() => new PasswordHasher(pepper, 10.5)).toThrow(RangeError);
    expect(() => new PasswordHasher(randomBytes(31), COST)).toThrow(TypeError);
    await expect(hasher.hash(undefined as unknown as string)).rejects.toThrow(TypeError);
    await expect(hasher.verify('x', 'not a bcrypt hash')).rejects.toThrow(/not a bcrypt hash/);
  });
});
