import {
  canonicalizeTemporaryPassword,
  CROCKFORD_ALPHABET,
  generateTemporaryPassword,
  TEMPORARY_PASSWORD_BITS,
  TEMPORARY_PASSWORD_PATTERN,
} from './temporary-password';

/** Reference: the first 130 bits of `bytes` as a big integer, 5 bits per character. */
function reference(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex')}`) >> BigInt(bytes.length * 8 - 130);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD_ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return [4, 4, 4, 4, 5, 5]
    .reduce<{ parts: string[]; at: number }>(
      (acc, len) => ({ parts: [...acc.parts, out.slice(acc.at, acc.at + len)], at: acc.at + len }),
      { parts: [], at: 0 },
    )
    .parts.join('-');
}

describe('generateTemporaryPassword', () => {
  it('carries at least 128 bits, as 26 Crockford base32 characters in groups', () => {
    expect(TEMPORARY_PASSWORD_BITS).toBeGreaterThanOrEqual(128);
    const password = generateTemporaryPassword();
    expect(password).toMatch(TEMPORARY_PASSWORD_PATTERN);
    expect(password.replace(/-/g, '')).toHaveLength(26);
    expect(password).not.toMatch(/[ILOU]/);
  });

  it('maps exactly 5 random bits to each character (known vectors)', () => {
    const zeros = Buffer.alloc(17);
    const ones = Buffer.alloc(17, 0xff);
    const counting = Buffer.from(Array.from({ length: 17 }, (_, i) => i * 15 + 7));
    expect(generateTemporaryPassword(() => zeros)).toBe('0000-0000-0000-0000-00000-00000');
    expect(generateTemporaryPassword(() => ones)).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZ-ZZZZZ');
    expect(generateTemporaryPassword(() => counting)).toBe(reference(counting));
    const random = Buffer.from('a1b2c3d4e5f60718293a4b5c6d7e8f90ab', 'hex');
    expect(generateTemporaryPassword(() => random)).toBe(reference(random));
  });

  it('refuses a short random source', () => {
    expect(() => generateTemporaryPassword(() => Buffer.alloc(16))).toThrow(/17 random bytes/);
  });

  it('is unique and uses the whole alphabet evenly over 1000 draws', () => {
    const draws = Array.from({ length: 1000 }, () => generateTemporaryPassword());
    expect(new Set(draws).size).toBe(1000);
    const counts = new Map<string, number>();
    for (const c of draws.join('').replace(/-/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // 26 000 characters, 812.5 expected per symbol; a biased mapping would be far off.
    for (const n of counts.values()) expect(Math.abs(n - 812.5)).toBeLessThan(200);
  });
});

describe('canonicalizeTemporaryPassword', () => {
  const issued = '7K2M-Q9XD-0A1B-CDEF-GHJKM-NPQRS';

  it('reads what a person types back into the issued form', () => {
    expect(canonicalizeTemporaryPassword(issued)).toBe(issued);
    expect(canonicalizeTemporaryPassword('7k2mq9xd0a1bcdefghjkmnpqrs')).toBe(issued);
    expect(canonicalizeTemporaryPassword(' 7k2m q9xd oa1b cdef ghjkm npqrs ')).toBe(issued);
    expect(canonicalizeTemporaryPassword('7K2M-Q9XD-0AIB-CDEF-GHJKM-NPQRS')).toBe(issued);
    expect(canonicalizeTemporaryPassword('7K2M-Q9XD-0ALB-CDEF-GHJKM-NPQRS')).toBe(issued);
  });

  it('leaves anything else alone', () => {
    expect(canonicalizeTemporaryPassword('correct horse battery staple')).toBeUndefined();
    expect(canonicalizeTemporaryPassword('7K2M-Q9XD-0A1B-CDEF-GHJKM-NPQR')).toBeUndefined();
    expect(canonicalizeTemporaryPassword('7K2M-Q9XD-0A1B-CDEF-GHJKM-NPQRU')).toBeUndefined();
  });
});
