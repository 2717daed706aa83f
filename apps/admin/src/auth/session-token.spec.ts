import {
  isWellFormedToken,
  matchesHash,
  newToken,
  presentedCredential,
  SESSION_COOKIE,
  tokenHash,
} from './session-token';

describe('admin session tokens', () => {
  it('are 256 random bits in base64url, stored only as their SHA-256', () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(token);
    expect(newToken(() => Buffer.alloc(32, 0xff))).toBe('_'.repeat(42) + '8');
    expect(() => newToken(() => Buffer.alloc(16))).toThrow(/32 random bytes/);
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    expect(tokenHash('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('compare in constant time against the stored hash', () => {
    const token = newToken();
    expect(matchesHash(token, tokenHash(token))).toBe(true);
    expect(matchesHash(newToken(), tokenHash(token))).toBe(false);
    expect(matchesHash(token, null)).toBe(false);
    expect(matchesHash(undefined, tokenHash(token))).toBe(false);
    expect(matchesHash(`${token}x`, tokenHash(token))).toBe(false);
    expect(isWellFormedToken('short')).toBe(false);
  });

  it('come from the Authorization header first, else the cookie', () => {
    const t = newToken();
    const c = newToken();
    expect(presentedCredential(`Bearer ${t}`, { [SESSION_COOKIE]: c })).toEqual({
      kind: 'bearer',
      token: t,
    });
    expect(presentedCredential(`bearer ${t}`, undefined)).toEqual({ kind: 'bearer', token: t });
    expect(presentedCredential(undefined, { [SESSION_COOKIE]: c })).toEqual({
      kind: 'cookie',
      token: c,
    });
    expect(presentedCredential(undefined, {})).toEqual({ kind: 'none' });
    for (const bad of [`Basic ${t}`, 'Bearer', `Bearer ${t} extra`, 'Bearer nope'])
      expect(presentedCredential(bad, { [SESSION_COOKIE]: c })).toEqual({ kind: 'malformed' });
    expect(presentedCredential(undefined, { [SESSION_COOKIE]: 'x' })).toEqual({
      kind: 'malformed',
    });
  });
});
