import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist';
import { derToP1363, type NativeKey, nativeDigestSigner } from './native-digest-signer';
import { publicKeyFingerprint } from './server-identity';

/** Signature encodings of PROTOCOL.md §4: ASN.1 DER (the default) or IEEE P1363 `r || s`. */
export type SignatureEncoding = 'der' | 'p1363';

/** The default algorithm stored in `key_pairs.algorithm` (the original report's). */
export const SIGNING_KEY_ALGORITHM = 'ecdsa-p256';

/** Every algorithm a user key may have (`key_pairs.algorithm`, the `algorithm` request field). */
export const KEY_ALGORITHMS = ['ecdsa-p256', 'ecdsa-p384', 'ed25519'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** True for a name in {@link KEY_ALGORITHMS}. */
export function isKeyAlgorithm(value: unknown): value is KeyAlgorithm {
  return (KEY_ALGORITHMS as readonly unknown[]).includes(value);
}

/**
 * How a key of each algorithm signs: the signature algorithm named in SignDoc's response, the
 * hash OpenSSL applies to a document (null: Ed25519 signs the message itself, RFC 8032 §5.1.6),
 * the length of a digest-mode digest (null: no digest mode), the private scalar's length.
 */
export const ALGORITHM_PROFILES = {
  'ecdsa-p256': { signature: 'ecdsa-p256-sha256', hash: 'sha256', digestBytes: 32, scalar: 32 },
  'ecdsa-p384': { signature: 'ecdsa-p384-sha384', hash: 'sha384', digestBytes: 48, scalar: 48 },
  ed25519: { signature: 'ed25519', hash: null, digestBytes: null, scalar: 32 },
} as const satisfies Record<
  KeyAlgorithm,
  { signature: string; hash: string | null; digestBytes: number | null; scalar: number }
>;

/** The signature algorithm names of SignDoc's `algorithm` response field. */
export type SignatureAlgorithm = (typeof ALGORITHM_PROFILES)[KeyAlgorithm]['signature'];

const NAMED_CURVES: Record<KeyAlgorithm, string | null> = {
  'ecdsa-p256': 'prime256v1',
  'ecdsa-p384': 'secp384r1',
  ed25519: null,
};

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

/** Generates an employee's key pair (DESIGN.md §4, §11): ECDSA P-256 unless told otherwise. */
export function generateSigningKeyPair(
  algorithm: KeyAlgorithm = SIGNING_KEY_ALGORITHM,
): GeneratedKeyPair {
  if (!isKeyAlgorithm(algorithm)) throw new TypeError('signing: unknown key algorithm');
  const { privateKey, publicKey } =
    algorithm === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: algorithm === 'ecdsa-p384' ? 'P-384' : 'P-256' });
  return {
    pkcs8Der: privateKey.export({ type: 'pkcs8', format: 'der' }),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    fingerprint: publicKeyFingerprint(publicKey),
  };
}

/**
 * An unwrapped signing key: ECDSA P-256 (the default), ECDSA P-384 or Ed25519. ECDSA documents
 * are signed natively (OpenSSL hashes them with SHA-256, or SHA-384 for P-384); a
 * client-supplied digest is signed by OpenSSL too, without hashing again, through the small
 * native module `npm ci` builds (Node's `crypto.sign` always hashes its input), or, where that
 * module could not be built, with noble-curves in JavaScript, some fifty times slower.
 * Both produce signatures over H(document) that
 * `crypto.verify(hash, document, publicKey, sig)` and `openssl dgst -sha256|-sha384 -verify`
 * accept (PROTOCOL.md §4). Ed25519 signs the document itself (RFC 8032 PureEdDSA): there is no
 * digest mode and one encoding, the 64-byte `R || S`.
 */
export class SigningKey {
  readonly #privateKey: KeyObject;
  /** The private scalar, for ECDSA digest signing; wiped by {@link SigningKey.destroy}. */
  readonly #d: Buffer;
  /** The same key inside OpenSSL, for digest signing; null for Ed25519 or without the module. */
  readonly #native: NativeKey | null;
  #destroyed = false;

  /** The public half, for verification and fingerprints. */
  readonly publicKey: KeyObject;

  private constructor(
    privateKey: KeyObject,
    d: Buffer,
    native: NativeKey | null,
    readonly algorithm: KeyAlgorithm,
  ) {
    this.#privateKey = privateKey;
    this.#d = d;
    this.#native = native;
    this.publicKey = createPublicKey(privateKey);
  }

  /**
   * Imports a PKCS#8 DER private key of `algorithm` (default ECDSA P-256). The caller keeps
   * ownership of `der` (and should zero-fill it). `nativeDigests: false` keeps digest signing in
   * JavaScript even where the native module is built (for tests and the benchmark).
   *
   * @throws TypeError when `der` is not a PKCS#8 private key of that algorithm.
   */
  static fromPkcs8(
    der: Buffer,
    algorithm: KeyAlgorithm = SIGNING_KEY_ALGORITHM,
    options: { nativeDigests?: boolean } = {},
  ): SigningKey {
    if (!isKeyAlgorithm(algorithm)) throw new TypeError('signing key: unknown key algorithm');
    if (!Buffer.isBuffer(der) || der.length === 0) {
      throw new TypeError('signing key: expected a PKCS#8 DER Buffer');
    }
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch {
      throw new TypeError('signing key: not a PKCS#8 DER private key');
    }
    const curve = NAMED_CURVES[algorithm];
    const matches =
      curve === null
        ? key.asymmetricKeyType === 'ed25519'
        : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve;
    if (!matches) {
      throw new TypeError(
        algorithm === SIGNING_KEY_ALGORITHM
          ? 'signing key: not an ECDSA P-256 key'
          : `signing key: not an ${algorithm} key`,
      );
    }
    // The JWK `d` string cannot be wiped; the Buffer we keep can.
    const d = Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url');
    if (d.length !== ALGORITHM_PROFILES[algorithm].scalar) {
      throw new TypeError('signing key: bad private scalar');
    }
    const useNative = curve !== null && options.nativeDigests !== false;
    const native = useNative ? (nativeDigestSigner()?.importKey(der) ?? null) : null;
    return new SigningKey(key, d, native, algorithm);
  }

  /** The length of a digest-mode digest for this key; null when it has no digest mode (Ed25519). */
  get digestBytes(): number | null {
    return ALGORITHM_PROFILES[this.algorithm].digestBytes;
  }

  private assertUsable(): void {
    if (this.#destroyed) throw new Error('signing key: destroyed');
  }

  /**
   * Signs `document` natively: ECDSA over SHA-256 (P-256) or SHA-384 (P-384), `der` (ASN.1) or
   * `p1363` (`r || s`); Ed25519 over the document itself, 64 bytes whatever the encoding.
   */
  signDocument(document: Buffer, encoding: SignatureEncoding): Buffer {
    this.assertUsable();
    if (!(document instanceof Uint8Array)) throw new TypeError('signing: document must be bytes');
    assertEncoding(encoding);
    if (this.algorithm !== SIGNING_KEY_ALGORITHM) {
      return sign(ALGORITHM_PROFILES[this.algorithm].hash, document, {
        key: this.#privateKey,
        dsaEncoding: encoding === 'der' ? 'der' : 'ieee-p1363',
      });
    }
    return sign('sha256', document, {
      key: this.#privateKey,
      dsaEncoding: encoding === 'der' ? 'der' : 'ieee-p1363',
    });
  }

  /**
   * Signs a digest computed by the client (PROTOCOL.md §4 digest mode): SHA-256 (32 bytes) for
   * P-256, SHA-384 (48 bytes) for P-384 — the same signature, up to the nonce, as
   * {@link SigningKey.signDocument} over the document it hashes: OpenSSL's random nonces, as
   * for documents; in the JavaScript fallback, hedged nonces (RFC 6979 with extra randomness).
   *
   * @throws TypeError unless `digest` has the key's digest length; for Ed25519 keys, always.
   */
  signDigest(digest: Buffer, encoding: SignatureEncoding): Buffer {
    this.assertUsable();
    const length = ALGORITHM_PROFILES[this.algorithm].digestBytes;
    if (length === null) throw new TypeError('signing: Ed25519 keys have no digest mode');
    if (!(digest instanceof Uint8Array) || digest.length !== length) {
      throw new TypeError(`signing: digest must be exactly ${length} bytes`);
    }
    assertEncoding(encoding);
    if (this.#native !== null) {
      const der = nativeDigestSigner()!.signDigest(this.#native, digest);
      return encoding === 'der' ? der : derToP1363(der, ALGORITHM_PROFILES[this.algorithm].scalar);
    }
    const curve = this.algorithm === 'ecdsa-p384' ? p384 : p256;
    const signature = curve.sign(digest, this.#d, { prehash: false, extraEntropy: true });
    const bytes = signature.toBytes(encoding === 'der' ? 'der' : 'compact');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Best-effort wipe: zero-fills the private scalar, frees the digest signer's OpenSSL copy
   * (OpenSSL clears it) and refuses further use. The `KeyObject` lives in OpenSSL memory that
   * JavaScript cannot clear; it goes with the last reference.
   */
  destroy(): void {
    this.#d.fill(0);
    if (this.#native !== null && !this.#destroyed) nativeDigestSigner()!.release(this.#native);
    this.#destroyed = true;
  }

  /** True once {@link SigningKey.destroy} ran. */
  get destroyed(): boolean {
    return this.#destroyed;
  }
}
