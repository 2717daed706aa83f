import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { unwrapPrivateKey, wrapPrivateKey } from './key-wrap';
import { KEYSTORE_OPTIONS, type KeystoreOptions, MASTER_KEY_RING } from './keystore.tokens';
import { type MasterKeyRing } from './master-key-ring';
import {
  generateSigningKeyPair,
  isKeyAlgorithm,
  type KeyAlgorithm,
  SIGNING_KEY_ALGORITHM,
  SigningKey,
} from './signing';
import { SigningKeyCache } from './signing-key-cache';

/** What {@link KeystoreService.newKeyPair} returns: the columns of a new `key_pairs` row. */
export interface NewKeyPair {
  algorithm: KeyAlgorithm;
  /** SPKI PEM. */
  publicKeyPem: string;
  /** Lowercase hex SHA-256 of the SPKI DER. */
  fingerprint: string;
  /** See {@link wrapPrivateKey}. */
  privateKeyWrapped: Buffer;
  kekId: string;
}

/** The columns of a `key_pairs` row that {@link KeystoreService.signingKey} needs. */
export interface WrappedKeyRow {
  id: string;
  userId: number;
  kekId: string | null;
  privateKeyWrapped: Buffer | null;
  /** `key_pairs.algorithm` (a {@link KeyAlgorithm}); absent means the original ECDSA P-256. */
  algorithm?: string;
}

/** A wrapped key names a master key that this process does not hold. */
export class UnknownMasterKeyError extends Error {
  constructor(readonly kekId: string) {
    super(
      `master key ${kekId} is not in the key ring: add it (as a retired key) to ` +
        'DSS_MASTER_KEY or the master key file',
    );
    this.name = 'UnknownMasterKeyError';
  }
}

/**
 * Key custody for the apps (DESIGN.md §4): generates and wraps new key pairs under the current
 * master key, and unwraps stored ones into {@link SigningKey}s, cached in a bounded LRU.
 *
 * The cache never decides whether a key may sign: callers check that the key pair is active in
 * the database in the signing transaction, and call {@link KeystoreService.forget} on delete.
 */
@Injectable()
export class KeystoreService implements OnApplicationShutdown {
  private readonly cache: SigningKeyCache;

  constructor(
    @Inject(MASTER_KEY_RING) private readonly ring: MasterKeyRing,
    @Inject(KEYSTORE_OPTIONS) options: KeystoreOptions,
  ) {
    this.cache = new SigningKeyCache(options.cacheSize);
  }

  /**
   * Generates a key pair of `algorithm` (default ECDSA P-256) for row `keyId` of user `userId`
   * and wraps its private key under the current master key (re-reading a ring file first if it
   * was rotated).
   */
  newKeyPair(
    keyId: string,
    userId: number,
    algorithm: KeyAlgorithm = SIGNING_KEY_ALGORITHM,
  ): NewKeyPair {
    this.ring.reloadIfChanged();
    const kek = this.ring.current();
    const generated = generateSigningKeyPair(algorithm);
    try {
      return {
        algorithm,
        publicKeyPem: generated.publicKeyPem,
        fingerprint: generated.fingerprint,
        privateKeyWrapped: wrapPrivateKey(kek, keyId, userId, generated.pkcs8Der),
        kekId: kek.id,
      };
    } finally {
      generated.pkcs8Der.fill(0);
    }
  }

  /**
   * The signing key of a stored key pair: from the cache, or unwrapped with the master key the
   * row names (re-reading a rotated ring file once if this process does not know it yet).
   *
   * @throws Error when the row holds no wrapped key (a deleted pair; also evicted from the
   *   cache) or was loaded without `privateKeyWrapped` / `kekId`.
   * @throws UnknownMasterKeyError when no master key with the row's `kekId` is available.
   * @throws KeyUnwrapError when the blob does not authenticate for this key id and user (for
   *   example a blob copied from another row).
   */
  signingKey(row: WrappedKeyRow): SigningKey {
    if (row.privateKeyWrapped === null) {
      this.cache.evict(row.id);
      throw new Error(`key pair ${row.id} holds no private key (deleted)`);
    }
    const cached = this.cache.get(row.id);
    if (cached !== undefined) return cached;
    // `private_key_wrapped` is `select: false`: a row loaded without it cannot be unwrapped.
    if (!Buffer.isBuffer(row.privateKeyWrapped) || typeof row.kekId !== 'string') {
      throw new Error(`key pair ${row.id}: privateKeyWrapped and kekId were not selected`);
    }
    let kek = this.ring.get(row.kekId);
    if (kek === undefined && this.ring.reloadIfChanged()) kek = this.ring.get(row.kekId);
    if (kek === undefined) throw new UnknownMasterKeyError(row.kekId);
    const der = unwrapPrivateKey(kek, row.id, row.userId, row.privateKeyWrapped);
    try {
      const algorithm = row.algorithm ?? SIGNING_KEY_ALGORITHM;
      if (!isKeyAlgorithm(algorithm)) {
        throw new Error(`key pair ${row.id}: unknown algorithm ${algorithm}`);
      }
      const key = SigningKey.fromPkcs8(der, algorithm);
      this.cache.set(row.id, key);
      return key;
    } finally {
      der.fill(0);
    }
  }

  /** Closes the master key's token session, if any. */
  onApplicationShutdown(): void {
    this.ring.close();
  }

  /** Drops a key from this instance's cache (after DeleteKeys). */
  forget(keyId: string): void {
    this.cache.evict(keyId);
  }

  /** Number of unwrapped keys held in the cache. */
  get cachedKeys(): number {
    return this.cache.size;
  }
}
