import { Inject, Injectable } from '@nestjs/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { LRUCache } from 'lru-cache';
import { isKeyAlgorithm, type KeyAlgorithm, KeystoreService, type SigningKey } from '@dss/keystore';
import { KeyPairsRepository } from './key-pairs.repository';

export interface ActiveKey {
  keyId: string;
  key: SigningKey;
  /** When the key was made: its age decides `rotateAdvised`. */
  createdAt: Date;
}

interface Entry {
  keyId: string;
  kekId: string;
  wrapped: Buffer;
  algorithm: KeyAlgorithm;
  createdAt: Date;
}

/**
 * Which key pair is active for a user, with its wrapped private key, kept in a bounded LRU so
 * that SignDoc does not read the database before signing. Only a speed-up: a deleted key cannot
 * sign, because the signature's audit transaction re-checks the key row under a lock (see
 * SignatureLedger), on every instance, whatever this index still holds. A rotation elsewhere is
 * the same case: the retired key is refused there, forgotten here and the new one read.
 */
/**
 * The index's own ceiling: lru-cache allocates its bookkeeping for the whole bound at once, so the
 * bound follows DSS_MAX_SESSIONS only up to here (as the signing-key cache's does). A user beyond
 * it costs one key-row read, never a wrong answer.
 */
export const ACTIVE_KEY_INDEX_MAX = 100_000;

@Injectable()
export class ActiveKeyIndex {
  private readonly entries: LRUCache<number, Entry>;

  constructor(
    private readonly keyPairs: KeyPairsRepository,
    private readonly keystore: KeystoreService,
    @Inject(DSS_CONFIG) config: DssConfig,
  ) {
    this.entries = new LRUCache({
      max: Math.max(16, Math.min(config.maxSessions, ACTIVE_KEY_INDEX_MAX)),
    });
  }

  async get(userId: number): Promise<ActiveKey | null> {
    let entry = this.entries.get(userId);
    if (!entry) {
      const row = await this.keyPairs.findActiveWithPrivateKey(userId);
      if (!row || !row.privateKeyWrapped || !row.kekId) return null;
      // Fail closed on an algorithm this version does not know: no signature rather than a wrong one.
      if (!isKeyAlgorithm(row.algorithm)) return null;
      entry = {
        keyId: row.id,
        kekId: row.kekId,
        wrapped: row.privateKeyWrapped,
        algorithm: row.algorithm,
        createdAt: row.createdAt,
      };
      this.entries.set(userId, entry);
    }
    const key = this.keystore.signingKey({
      id: entry.keyId,
      userId,
      kekId: entry.kekId,
      privateKeyWrapped: entry.wrapped,
      algorithm: entry.algorithm,
    });
    return { keyId: entry.keyId, key, createdAt: entry.createdAt };
  }

  forget(userId: number): void {
    this.entries.delete(userId);
  }
}
