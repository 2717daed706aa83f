import { createPublicKey, diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto';
import { b64uEncode } from './b64u';
import { ChannelError, ChannelErrorCode } from './errors';
import { parseHandshakeRequest, serverHandshake } from './handshake';
import { x25519GenerateKeyPair, x25519SharedSecret } from './x25519';
import { thrownBy } from '@dss/testing/thrown';

// The DER path this module used before it went through JWK: RFC 8410 §4 SPKI around the raw key.
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const rawFromSpki = (der: Buffer): Buffer => {
  expect(der.subarray(0, SPKI_X25519_PREFIX.length).equals(SPKI_X25519_PREFIX)).toBe(true);
  return der.subarray(SPKI_X25519_PREFIX.length);
};
const importSpki = (raw: Buffer) =>
  createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, raw]), format: 'der', type: 'spki' });

const channelErrorOf = (fn: () => unknown): ChannelError => thrownBy(ChannelError, fn);

describe('RFC 7748 X25519 through JWK, against the SPKI DER path', () => {
  it('RFC 7748 §6.1: the injected private keys give the published public keys and secret', () => {
    const alice = x25519GenerateKeyPair(
      Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex'),
    );
    const bob = x25519GenerateKeyPair(
      Buffer.from('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb', 'hex'),
    );
    expect(alice.publicKeyRaw.toString('hex')).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    expect(bob.publicKeyRaw.toString('hex')).toBe(
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    );
    const k = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(x25519SharedSecret(alice.privateKey, bob.publicKeyRaw).toString('hex')).toBe(k);
    expect(x25519SharedSecret(bob.privateKey, alice.publicKeyRaw).toString('hex')).toBe(k);
  });

  it('200 random pairs: the same raw public keys and the same shared secrets', () => {
    for (let i = 0; i < 200; i++) {
      const a = x25519GenerateKeyPair();
      const b = x25519GenerateKeyPair();
      for (const pair of [a, b]) {
        expect(pair.publicKeyRaw).toHaveLength(32);
        const der = createPublicKey(pair.privateKey).export({ format: 'der', type: 'spki' });
        expect(pair.publicKeyRaw.equals(rawFromSpki(der))).toBe(true);
      }
      const viaJwk = x25519SharedSecret(a.privateKey, b.publicKeyRaw);
      const viaDer = diffieHellman({
        privateKey: a.privateKey,
        publicKey: importSpki(b.publicKeyRaw),
      });
      expect(viaJwk.equals(viaDer)).toBe(true);
      expect(x25519SharedSecret(b.privateKey, a.publicKeyRaw).equals(viaDer)).toBe(true);
    }
  });

  it('an injected private key gives the same public key as Node derives for it', () => {
    for (let i = 0; i < 20; i++) {
      const generated = generateKeyPairSync('x25519');
      const raw = rawFromSpki(generated.publicKey.export({ format: 'der', type: 'spki' }));
      const pkcs8 = generated.privateKey.export({ format: 'der', type: 'pkcs8' });
      const rebuilt = x25519GenerateKeyPair(pkcs8.subarray(pkcs8.length - 32));
      expect(rebuilt.publicKeyRaw.equals(raw)).toBe(true);
    }
  });
});

describe('PROTOCOL §2 bad_public_key: every low-order point (RFC 7748 §5, §6.1)', () => {
  // The u-coordinates for which X25519 gives zero whatever the scalar: the small-order points of
  // the curve and its twist (cr.yp.to/ecdh.html, libsodium), little-endian: 0, 1, the two of
  // order 8, and p - 1, p, p + 1 (p = 2^255 - 19). RFC 7748 §5 masks bit 255, so each is also
  // refused with that bit set; the list's encodings above 2^255 are ordinary points once masked.
  const lowOrder = [
    '0000000000000000000000000000000000000000000000000000000000000000',
    '0100000000000000000000000000000000000000000000000000000000000000',
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  ].flatMap((hex) => {
    const u = Buffer.from(hex, 'hex');
    const high = Buffer.from(u);
    high[31] |= 0x80;
    return [[hex, u] as const, [high.toString('hex'), high] as const];
  });

  it.each(lowOrder)('x25519SharedSecret(sk, %s) → bad_public_key', (_hex, u) => {
    for (const sk of [
      x25519GenerateKeyPair().privateKey,
      x25519GenerateKeyPair(randomBytes(32)).privateKey,
    ]) {
      const err = channelErrorOf(() => x25519SharedSecret(sk, u));
      expect(err.code).toBe(ChannelErrorCode.BadPublicKey);
      expect(err.status).toBe(400);
    }
  });

  const identity = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

  it.each(lowOrder)('serverHandshake with epk_C = %s → bad_public_key', (_hex, u) => {
    const req = parseHandshakeRequest({
      version: 1,
      clientPublicKey: b64uEncode(u),
      clientNonce: b64uEncode(randomBytes(16)),
    });
    const err = channelErrorOf(() => serverHandshake(req, identity, { expiresIn: 1800 }));
    expect(err.code).toBe(ChannelErrorCode.BadPublicKey);
  });
});
