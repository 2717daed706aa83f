import { createCipheriv, randomBytes } from 'node:crypto';
import { KeyUnwrapError, unwrapPrivateKey, WRAP_FORMAT_VERSION, wrapPrivateKey } from './key-wrap';
import { kekIdOf } from './kek';

const kekKey = Buffer.alloc(32, 7);
const kek = { id: kekIdOf(kekKey), key: kekKey };
const keyId = '3f1c2b7e-9d4a-4c1e-8b5f-0a6d2e9c7b31';
const secret = randomBytes(138);

function unwrapError(fn: () => unknown): KeyUnwrapError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KeyUnwrapError) return err;
    throw err;
  }
  throw new Error('expected a KeyUnwrapError');
}

describe('DESIGN.md §4 key wrap', () => {
  it('round-trips, with a fresh IV each time', () => {
    const a = wrapPrivateKey(kek, keyId, 42, secret);
    const b = wrapPrivateKey(kek, keyId, 42, secret);
    expect(a[0]).toBe(WRAP_FORMAT_VERSION);
    expect(a.length).toBe(1 + 12 + secret.length + 16);
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(unwrapPrivateKey(kek.key, keyId, 42, a)).toEqual(secret);
    expect(unwrapPrivateKey(kek.key, keyId, 42, b)).toEqual(secret);
  });

  it('matches the specified layout and AAD (independent encryption)', () => {
    const iv = Buffer.alloc(12, 9);
    const cipher = createCipheriv('aes-256-gcm', kekKey, iv);
    cipher.setAAD(
      Buffer.concat([
        Buffer.from('dss-key-v1'),
        Buffer.of(0),
        Buffer.from(keyId),
        Buffer.of(0),
        Buffer.from('42'),
      ]),
    );
    const ct = Buffer.concat([cipher.update(secret), cipher.final()]);
    const blob = Buffer.concat([Buffer.of(1), iv, ct, cipher.getAuthTag()]);
    expect(unwrapPrivateKey(kekKey, keyId, 42, blob)).toEqual(secret);
  });

  it('a blob copied onto another key id or another user does not unwrap', () => {
    const blob = wrapPrivateKey(kek, keyId, 42, secret);
    expect(
      unwrapError(() => unwrapPrivateKey(kek.key, 'a0a0a0a0-0000-4000-8000-000000000000', 42, blob))
        .reason,
    ).toBe('authentication');
    expect(unwrapError(() => unwrapPrivateKey(kek.key, keyId, 43, blob)).reason).toBe(
      'authentication',
    );
    // The AAD separators keep ("…1", user 23) apart from ("…", user 123).
    const id1 = `${keyId.slice(0, -1)}1`;
    const blob1 = wrapPrivateKey(kek, id1, 23, secret);
    expect(
      unwrapError(() => unwrapPrivateKey(kek.key, `${keyId.slice(0, -1)}`, 123, blob1)).reason,
    ).toBe('authentication');
  });

  it('fails under another master key, on tampering, on a bad version and on a short blob', () => {
    const blob = wrapPrivateKey(kek, keyId, 42, secret);
    expect(unwrapError(() => unwrapPrivateKey(Buffer.alloc(32, 8), keyId, 42, blob)).reason).toBe(
      'authentication',
    );
    for (const at of [1, 13, blob.length - 1]) {
      const tampered = Buffer.from(blob);
      tampered[at] ^= 1;
      expect(unwrapError(() => unwrapPrivateKey(kek.key, keyId, 42, tampered)).reason).toBe(
        'authentication',
      );
    }
    const v2 = Buffer.from(blob);
    v2[0] = 2;
    expect(unwrapError(() => unwrapPrivateKey(kek.key, keyId, 42, v2)).reason).toBe('version');
    expect(
      unwrapError(() => unwrapPrivateKey(kek.key, keyId, 42, blob.subarray(0, 29))).reason,
    ).toBe('length');
    expect(unwrapError(() => unwrapPrivateKey(kek.key, keyId, 42, Buffer.alloc(0))).reason).toBe(
      'length',
    );
  });

  it('asserts its arguments', () => {
    expect(() => wrapPrivateKey({ id: 'wrong', key: kekKey }, keyId, 1, secret)).toThrow('kek.id');
    expect(() => wrapPrivateKey({ id: kek.id, key: Buffer.alloc(16) }, keyId, 1, secret)).toThrow(
      TypeError,
    );
    expect(() => wrapPrivateKey(kek, 'bad\0id', 1, secret)).toThrow(TypeError);
    expect(() => wrapPrivateKey(kek, '', 1, secret)).toThrow(TypeError);
    expect(() => wrapPrivateKey(kek, keyId, -1, secret)).toThrow(TypeError);
    expect(() => wrapPrivateKey(kek, keyId, 1.5, secret)).toThrow(TypeError);
    expect(() => wrapPrivateKey(kek, keyId, 1, Buffer.alloc(0))).toThrow(TypeError);
    expect(() => unwrapPrivateKey(Buffer.alloc(31), keyId, 1, Buffer.alloc(64))).toThrow(TypeError);
  });
});
