/**
 * X25519 (RFC 7748) with 32-byte raw keys, as used by the handshake
 * (PROTOCOL.md §1, §2).
 *
 * Node cannot import or export a raw X25519 key directly. On every handshake's path, public
 * keys go through JWK (RFC 8037 §2: `x` is the raw key in base64url), which costs a few
 * microseconds where OpenSSL's SPKI DER encoder and decoder cost about a hundred each. An
 * injected private key (tests and vectors only) is wrapped in the fixed PKCS#8 prefix of
 * RFC 8410 §7 (Node's JWK import of a private key also wants `x`), and its public key is cut
 * from the SPKI DER (RFC 8410 §4).
 */

import {
  type JsonWebKey,
  KeyObject,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
} from 'node:crypto';
import { ChannelError, ChannelErrorCode } from './errors';
import { assertBytes } from './internal';

/** Length of X25519 private keys, public keys and shared secrets. */
export const X25519_KEY_LENGTH = 32;

// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.110 }, OCTET STRING { OCTET STRING (32) } }
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
// SEQUENCE { SEQUENCE { OID 1.3.101.110 }, BIT STRING (0 unused bits, 32 bytes) }
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** An X25519 key pair: the private key as a KeyObject, the public key raw. */
export interface X25519KeyPair {
  privateKey: KeyObject;
  /** The 32-byte raw public key, as sent on the wire. */
  publicKeyRaw: Buffer;
}

/**
 * `generateKeyPairSync('x25519')` with the public half encoded as JWK by the key-generation job
 * itself (Node returns the private half, given no encoding, as a KeyObject). @types/node only
 * types the call with both encodings, hence the cast.
 *
 * Not `publicKey.export({ format: 'jwk' })` afterwards: on Node 20 that can hang the process.
 * The export holds the key's mutex while it allocates the JWK's strings; a garbage collection
 * there may finalize the finished generation job, whose destructor takes the same mutex, on
 * the same thread (seen within a few thousand handshakes). Inside the job, the job is alive.
 */
const generateX25519WithJwkPublicKey = generateKeyPairSync as unknown as (
  type: 'x25519',
  options: { publicKeyEncoding: { format: 'jwk' } },
) => { publicKey: JsonWebKey; privateKey: KeyObject };

/**
 * Generates an X25519 key pair, or rebuilds one from a raw private key (tests
 * and vectors inject the key; production code lets the CSPRNG choose).
 *
 * @param privateKeyRaw - optional 32-byte raw private key (clamped by X25519 itself).
 * @throws RangeError when `privateKeyRaw` is not 32 bytes.
 */
export function x25519GenerateKeyPair(privateKeyRaw?: Buffer): X25519KeyPair {
  if (privateKeyRaw === undefined) {
    const { privateKey, publicKey } = generateX25519WithJwkPublicKey('x25519', {
      publicKeyEncoding: { format: 'jwk' },
    });
    return { privateKey, publicKeyRaw: rawPublicKeyOf(publicKey) };
  }
  assertBytes(privateKeyRaw, 'x25519 private key', X25519_KEY_LENGTH);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_X25519_PREFIX, privateKeyRaw]),
    format: 'der',
    type: 'pkcs8',
  });
  // Tests and vectors only, so the SPKI DER export as before (no generation job shares this key).
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyRaw: spki.subarray(SPKI_X25519_PREFIX.length) };
}

/**
 * `X25519(sk, pk)` (RFC 7748 §5). The caller should zero-fill the result once
 * the keys are derived (PROTOCOL.md §2: `shared` is discarded).
 *
 * @param privateKey - our X25519 private KeyObject.
 * @param peerPublicKeyRaw - the peer's 32-byte raw public key, from the wire.
 * @throws ChannelError `bad_public_key` when the peer key is not 32 bytes or the
 *   shared secret is all-zero (a small-order peer key: PROTOCOL.md §2 MUST abort;
 *   RFC 7748 §6.1). OpenSSL 3 itself refuses to derive an all-zero secret; that
 *   refusal is mapped to the same error, and the explicit check stays as a
 *   backstop for other builds.
 */
export function x25519SharedSecret(privateKey: KeyObject, peerPublicKeyRaw: Buffer): Buffer {
  if (
    !(privateKey instanceof KeyObject) ||
    privateKey.type !== 'private' ||
    privateKey.asymmetricKeyType !== 'x25519'
  ) {
    throw new TypeError('x25519SharedSecret: privateKey must be an X25519 private KeyObject');
  }
  if (!Buffer.isBuffer(peerPublicKeyRaw) || peerPublicKeyRaw.length !== X25519_KEY_LENGTH) {
    throw new ChannelError(
      ChannelErrorCode.BadPublicKey,
      `public key must be ${X25519_KEY_LENGTH} bytes`,
    );
  }
  let shared: Buffer;
  try {
    // A small-order key imports like any other (JWK as SPKI did): OpenSSL refuses it
    // in diffieHellman, or the all-zero check below does.
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: peerPublicKeyRaw.toString('base64url') },
      format: 'jwk',
    });
    shared = diffieHellman({ privateKey, publicKey });
  } catch {
    throw new ChannelError(ChannelErrorCode.BadPublicKey, 'public key gives no shared secret');
  }
  // Constant time: OR every byte, branch once.
  let acc = 0;
  for (let i = 0; i < shared.length; i++) acc |= shared[i];
  if (acc === 0 || shared.length !== X25519_KEY_LENGTH) {
    shared.fill(0);
    throw new ChannelError(
      ChannelErrorCode.BadPublicKey,
      'public key gives an all-zero shared secret',
    );
  }
  return shared;
}

/** The 32-byte raw public key of an X25519 JWK: its `x` (RFC 8037 §2). */
function rawPublicKeyOf(jwk: JsonWebKey): Buffer {
  const raw = typeof jwk.x === 'string' ? Buffer.from(jwk.x, 'base64url') : undefined;
  if (raw?.length !== X25519_KEY_LENGTH) {
    throw new Error('x25519: the generated public key is not 32 bytes');
  }
  return raw;
}
