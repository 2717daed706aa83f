import { createHash, randomBytes, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist';
import { derToP1363, nativeDigestSigner, nativeDigestSignerProblem } from './native-digest-signer';
import { generateSigningKeyPair, type KeyAlgorithm, SigningKey } from './signing';

describe('digest signing in OpenSSL (libs/keystore/native)', () => {
  it('is built and loaded: digest signatures do not fall back to JavaScript', () => {
    expect(nativeDigestSignerProblem()).toBeNull();
    expect(nativeDigestSigner()).not.toBeNull();
  });

  it.each([
    ['ecdsa-p256', 'sha256', 64],
    ['ecdsa-p384', 'sha384', 96],
  ] as const)(
    '%s: native and JavaScript digest signatures both verify over the document',
    (algorithm: KeyAlgorithm, hash, p1363Length) => {
      const { pkcs8Der } = generateSigningKeyPair(algorithm);
      const native = SigningKey.fromPkcs8(pkcs8Der, algorithm);
      const script = SigningKey.fromPkcs8(pkcs8Der, algorithm, { nativeDigests: false });
      for (let n = 0; n < 20; n++) {
        const document = randomBytes(n * 37);
        const digest = createHash(hash).update(document).digest();
        for (const key of [native, script]) {
          const der = key.signDigest(digest, 'der');
          expect(verify(hash, document, key.publicKey, der)).toBe(true);
          expect(verify(hash, randomBytes(8), key.publicKey, der)).toBe(false);
          const p1363 = key.signDigest(digest, 'p1363');
          expect(p1363).toHaveLength(p1363Length);
          const asP1363 = { key: key.publicKey, dsaEncoding: 'ieee-p1363' as const };
          expect(verify(hash, document, asP1363, p1363)).toBe(true);
        }
      }
      // Random nonces: the same digest never gives the same signature twice.
      const digest = createHash(hash).update('same').digest();
      expect(native.signDigest(digest, 'der').equals(native.signDigest(digest, 'der'))).toBe(false);
    },
  );

  it('destroy() releases the OpenSSL copy and refuses further digests', () => {
    const key = SigningKey.fromPkcs8(generateSigningKeyPair().pkcs8Der);
    key.destroy();
    key.destroy();
    expect(() => key.signDigest(Buffer.alloc(32), 'der')).toThrow('destroyed');
  });

  // (A TypeError of the main realm: Jest's `toThrow(TypeError)` compares with its own.)
  it('the module refuses what is not an EC key or a digest, and leaves OpenSSL clean', () => {
    const native = nativeDigestSigner()!;
    const ed = generateSigningKeyPair('ed25519').pkcs8Der;
    expect(() => native.importKey(ed)).toThrow('not an EC private key');
    expect(() => native.importKey(Buffer.from('not a key'))).toThrow('not an EC private key');
    expect(() => native.importKey('text' as unknown as Uint8Array)).toThrow('PKCS#8 DER bytes');
    // A refused key leaves nothing in OpenSSL's error queue for Node's next crypto call.
    expect(() => SigningKey.fromPkcs8(generateSigningKeyPair().pkcs8Der)).not.toThrow();
    const key = native.importKey(generateSigningKeyPair().pkcs8Der);
    expect(() => native.signDigest(key, Buffer.alloc(8))).toThrow('20 to 64 bytes');
    expect(() => native.signDigest({} as typeof key, Buffer.alloc(32))).toThrow('importKey');
    native.release(key);
    expect(() => native.signDigest(key, Buffer.alloc(32))).toThrow('released');
  });
});

describe('derToP1363', () => {
  it('agrees with noble-curves on many signatures, short r and s included', () => {
    const { pkcs8Der } = generateSigningKeyPair();
    const key = SigningKey.fromPkcs8(pkcs8Der);
    const signatures = Array.from({ length: 200 }, () => key.signDigest(randomBytes(32), 'der'));
    // r and s short of 32 bytes, or with the high bit set (a leading zero in DER), made to order.
    const n = p256.CURVE.n;
    for (const [r, s] of [
      [1n, 2n],
      [0xffn, n - 1n],
      [n - 1n, 1n << 200n],
      [1n << 255n, (1n << 248n) - 1n],
    ]) {
      signatures.push(Buffer.from(new p256.Signature(r, s).toDERRawBytes()));
    }
    for (const der of signatures) {
      expect(derToP1363(der, 32).toString('hex')).toBe(p256.Signature.fromDER(der).toCompactHex());
    }
  });

  it('refuses malformed DER', () => {
    const der = SigningKey.fromPkcs8(generateSigningKeyPair().pkcs8Der).signDigest(
      randomBytes(32),
      'der',
    );
    const bad = [
      Buffer.alloc(0),
      der.subarray(0, der.length - 1),
      Buffer.concat([der, Buffer.from([0])]),
      Buffer.from([0x31, ...der.subarray(1)]),
      Buffer.from([0x30, 6, 0x02, 1, 1, 0x03, 1, 1]),
    ];
    for (const b of bad) expect(() => derToP1363(b, 32)).toThrow('malformed DER');
    expect(() => derToP1363(der, 16)).toThrow('malformed DER');
  });
});
