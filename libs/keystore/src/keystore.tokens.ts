/** Injection token for the process's {@link MasterKeyRing}. */
export const MASTER_KEY_RING = Symbol('MASTER_KEY_RING');

/** Injection token for {@link KeystoreOptions}. */
export const KEYSTORE_OPTIONS = Symbol('KEYSTORE_OPTIONS');

/** Tuning of the {@link KeystoreService}. */
export interface KeystoreOptions {
  /** How many unwrapped signing keys to keep in memory (LRU); 0 disables the cache. */
  cacheSize: number;
}
