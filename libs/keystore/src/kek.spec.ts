import { hkdfSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { FileKek, kekIdOf } from './kek';

describe('FileKek', () => {
  const key = Buffer.alloc(32, 0x5a);

  it('is named by its check value and never shows its bytes', () => {
    const kek = new FileKek(key);
    expect(kek.id).toBe(kekIdOf(key));
    expect(kek.kind).toBe('file');
    const shown = `${inspect(kek)} ${JSON.stringify(kek)} ${String(kek)}`;
    expect(shown).toContain(kek.id);
    expect(shown).not.toContain(key.toString('hex'));
    expect(shown).not.toContain(key.toString('base64'));
  });

  it('seals and opens with AES-256-GCM; a changed AAD or byte does not open', () => {
    const kek = new FileKek(key);
    const iv = randomBytes(12);
    const sealed = kek.seal(iv, Buffer.from('aad'), Buffer.from('private key'));
    expect(sealed).toHaveLength(11 + 16);
    expect(kek.open(iv, Buffer.from('aad'), sealed)?.toString()).toBe('private key');
    expect(kek.open(iv, Buffer.from('aaD'), sealed)).toBeUndefined();
    const flipped = Buffer.from(sealed);
    flipped[0] ^= 1;
    expect(kek.open(iv, Buffer.from('aad'), flipped)).toBeUndefined();
  });

  it('derives subkeys with HKDF-SHA256 (RFC 5869), info = "dss-subkey" 0x00 label', () => {
    const kek = new FileKek(key);
    const expected = Buffer.from(
      hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from('dss-subkey\0redis-session'), 32),
    );
    expect(kek.deriveSubkey('redis-session')).toEqual(expected);
    expect(new FileKek(Buffer.from(key)).deriveSubkey('redis-session')).toEqual(expected);
    expect(kek.deriveSubkey('other')).not.toEqual(expected);
    expect(new FileKek(Buffer.alloc(32, 1)).deriveSubkey('redis-session')).not.toEqual(expected);
    expect(() => kek.deriveSubkey('')).toThrow(TypeError);
    expect(() => kek.deriveSubkey('bad\0label')).toThrow(TypeError);
  });
});
