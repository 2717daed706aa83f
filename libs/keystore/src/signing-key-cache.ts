import { LRUCache } from 'lru-cache';
import { type SigningKey } from './signing';

/**
 * A bounded least-recently-used cache of unwrapped {@link SigningKey}s by key id: importing a
 * PKCS#8 key costs about twelve signatures (DESIGN.md §4), so hot keys stay unwrapped.
 *
 * The cache is a speed-up only, never an authority: a deleted key must never sign, on any
 * instance, so the signing path checks that the key pair is still active in the database in
 * the same transaction that writes the signature's audit record, whatever the cache holds.
 * Deleting a key on this instance should also {@link SigningKeyCache.evict} it.
 *
 * Evicted keys are not destroyed: a caller may still hold one across an `await`; they are
 * dropped and left to the garbage collector.
 */
export class SigningKeyCache {
  /** Undefined when caching is disabled (`lru-cache` needs a bound of at least 1). */
  private readonly entries?: LRUCache<string, SigningKey>;

  /** @param maxEntries the bound; 0 disables caching. */
  constructor(readonly maxEntries: number) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
      throw new TypeError('SigningKeyCache: maxEntries must be a non-negative integer');
    }
    if (maxEntries > 0) this.entries = new LRUCache({ max: maxEntries });
  }

  /** The cached key, marked most recently used; undefined on a miss. */
  get(keyId: string): SigningKey | undefined {
    return this.entries?.get(keyId);
  }

  /** Caches `key` as the most recently used, evicting the least recently used beyond the bound. */
  set(keyId: string, key: SigningKey): void {
    this.entries?.set(keyId, key);
  }

  /** Drops one key; true when it was cached. */
  evict(keyId: string): boolean {
    return this.entries?.delete(keyId) ?? false;
  }

  /** Drops every key. */
  clear(): void {
    this.entries?.clear();
  }

  /** Number of cached keys. */
  get size(): number {
    return this.entries?.size ?? 0;
  }
}
