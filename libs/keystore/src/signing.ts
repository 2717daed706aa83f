import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { p256 } from '@noble/curves/nist';
import { publicKeyFingerprint } from './server-identity';

/** Signature encodings of PROTOCOL.md §4: ASN.1 DER (the default) or IEEE P1363 `r || s`. */
export type SignatureEncoding = 'der' | 'p1363';

/** The algorithm stored in `key_pairs.algorithm`. */
export const SIGNING_KEY_ALGORITHM = 'ecdsa-p256';

const SCALAR_BYTES = 32;
const DIGEST_BYTES = 32;

function assertEncoding(encoding: SignatureEncoding): void {
  if (encoding !== 'der' && encoding !== 'p1363') {
    throw new TypeError("signing: encoding must be 'der' or 'p1363'");
  }
}

/** A freshly generated signing key pair, ready to be wrapped and stored. */
export interface GeneratedKeyPair {
  /** The private key, PKCS#8 DER; zero-fill it once wrapped. */
  pkcs8Der: Buffer;
  /** SPKI PEM (`key_pairs.public_key`). */
  publicKeyPem: string;
  /** Lowercase hex SHA-256 of the SPKI DER. */
  fingerprint: string;
}

/** Generates an employee's ECDSA P-256 key pair (DESIGN.md §4). */
export function generateSigningKeyPair(): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    pkcs8Der: privateKey.export({ type: 'pkcs8', format: 'der' }),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    fingerprint: publicKeyFingerprint(publicKey),
  };
}

/**
 * An unwrapped ECDSA P-256 signing key. Documents are signed natively (OpenSSL hashes them
 * with SHA-256); a client-supplied SHA-256 digest is signed with noble-curves without hashing
 * again, because Node's `crypto.sign` always hashes its input. Both produce signatures over
 * SHA-256(document) that `crypto.verify('sha256', document, publicKey, sig)` and
 * `openssl dgst -sha256 -verify` accept (PROTOCOL.md §4).
 */
export class SigningKey {
  readonly #privateKey: KeyObject;
  /** The 32-byte private scalar, for digest signing; wiped by {@link SigningKey.destroy}. */
  readonly #d: Buffer;
  #destroyed = false;

  /** The public half, for verification and fingerprints. */
  readonly publicKey: KeyObject;

  private constructor(privateKey: KeyObject, d: Buffer) {
    this.#privateKey = privateKey;
    this.#d = d;
    this.publicKey = createPublicKey(privateKey);
  }

  /**
   * Imports a PKCS#8 DER ECDSA P-256 private key. The caller keeps ownership of `der` (and
   * should zero-fill it).
   *
   * @throws TypeError when `der` is not a P-256 PKCS#8 private key.
   */
  static fromPkcs8(der: Buffer): SigningKey {
    if (!Buffer.isBuffer(der) || der.length === 0) {
      throw new TypeError('signing key: expected a PKCS#8 DER Buffer');
    }
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch {
      throw new TypeError('signing key: not a PKCS#8 DER private key');
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new TypeError('signing key: not an ECDSA P-256 key');
    }
    // The JWK `d` string cannot be wiped; the Buffer we keep can.
    const d = Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url');
    if (d.length !== SCALAR_BYTES) throw new TypeError('signing key: bad private scalar');
    return new SigningKey(key, d);
  }

  private assertUsable(): void {
    if (this.#destroyed) throw new Error('signing key: destroyed');
  }

  /** Signs SHA-256(`document`) natively; `der` (ASN.1) or `p1363` (64-byte `r || s`). */
  signDocument(document: Buffer, encoding: SignatureEncoding): Buffer {
    this.assertUsable();
    if (!(document instanceof Uint8Array)) throw new TypeError('signing: document must be bytes');
    assertEncoding(encoding);
    return sign('sha256', document, {
      key: this.#privateKey,
      dsaEncoding: encoding === 'der' ? 'der' : 'ieee-p1363',
    });
  }

  /**
   * Signs a SHA-256 digest computed by the client (PROTOCOL.md §4 digest mode): the same
   * signature, up to the nonce, as {@link SigningKey.signDocument} over the document it
   * hashes. Hedged nonces (RFC 6979 with extra randomness), low-S.
   *
   * @throws TypeError unless `digest` is exactly 32 bytes.
   */
  signDigest(digest: Buffer, encoding: SignatureEncoding): Buffer {
    this.assertUsable();
    if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_BYTES) {
      throw new TypeError(`signing: digest must be exactly ${DIGEST_BYTES} bytes`);
    }
    assertEncoding(encoding);
    const signature = p256.sign(digest, this.#d, { prehash: false, extraEntropy: true });
    const bytes = signature.toBytes(encoding === 'der' ? 'der' : 'compact');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Best-effort wipe: zero-fills the private scalar and refuses further use. The native key
   * object lives in OpenSSL memory that JavaScript cannot clear; it goes with the last reference.
   */
  destroy(): void {
    this.#d.fill(0);
    this.#destroyed = true;
  }

  /** True once {@link SigningKey.destroy} ran. */
  get destroyed(): boolean {
    return this.#destroyed;
  }
}
