import { generateSigningKeyPair, SigningKey } from './signing';
import { SigningKeyCache } from './signing-key-cache';

describe('SigningKeyCache', () => {
  const keys = Array.from({ length: 4 }, () =>
    SigningKey.fromPkcs8(generateSigningKeyPair().pkcs8Der),
  );

  it('is bounded and evicts the least recently used key', () => {
    const cache = new SigningKeyCache(2);
    cache.set('a', keys[0]);
    cache.set('b', keys[1]);
    expect(cache.get('a')).toBe(keys[0]); // a is now the most recent
    cache.set('c', keys[2]); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(keys[0]);
    expect(cache.get('c')).toBe(keys[2]);
    cache.set('d', keys[3]); // evicts a
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(2);
    expect(keys[0].destroyed).toBe(false); // a caller may still hold it
  });

  it('replaces, evicts and clears', () => {
    const cache = new SigningKeyCache(3);
    cache.set('a', keys[0]);
    cache.set('a', keys[1]);
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBe(keys[1]);
    expect(cache.evict('a')).toBe(true);
    expect(cache.evict('a')).toBe(false);
    cache.set('b', keys[2]);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('caches nothing with a bound of 0 and rejects a bad bound', () => {
    const cache = new SigningKeyCache(0);
    cache.set('a', keys[0]);
    expect(cache.size).toBe(0);
    expect(() => new SigningKeyCache(-1)).toThrow(TypeError);
    expect(() => new SigningKeyCache(1.5)).toThrow(TypeError);
  });
});
