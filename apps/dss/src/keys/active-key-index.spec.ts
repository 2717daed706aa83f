import type { DssConfig } from '@dss/config';
import type { KeystoreService, SigningKey } from '@dss/keystore';
import { ACTIVE_KEY_INDEX_MAX, ActiveKeyIndex } from './active-key-index';
import type { KeyPairsRepository } from './key-pairs.repository';

/** A key-pairs repository that counts its reads: one active key per user id. */
function countingRepository(): { repo: KeyPairsRepository; reads: () => number } {
  let reads = 0;
  const repo = {
    findActiveWithPrivateKey: (userId: number) => {
      reads += 1;
      return Promise.resolve({
        id: `key-${userId}`,
        kekId: 'kek-1',
        privateKeyWrapped: Buffer.from([userId & 0xff]),
        algorithm: 'ecdsa-p256',
        createdAt: new Date(0),
      });
    },
  } as unknown as KeyPairsRepository;
  return { repo, reads: () => reads };
}

const keystore = {
  signingKey: (row: { id: string }) => ({ id: row.id }) as unknown as SigningKey,
} as unknown as KeystoreService;

function allocated(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers + m.external;
}

describe('ActiveKeyIndex', () => {
  it('does not size its memory by DSS_MAX_SESSIONS beyond its own ceiling', () => {
    const { repo } = countingRepository();
    const before = allocated();
    // The allowed maximum of DSS_MAX_SESSIONS: an index sized by it would take hundreds of MB here.
    const index = new ActiveKeyIndex(repo, keystore, { maxSessions: 10_000_000 } as DssConfig);
    const grown = allocated() - before;
    expect(index).toBeDefined();
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });

  it('reads a key row once per user while the user stays in the index', async () => {
    const { repo, reads } = countingRepository();
    const index = new ActiveKeyIndex(repo, keystore, { maxSessions: 100 } as DssConfig);
    for (let i = 0; i < 3; i += 1) expect((await index.get(7))?.keyId).toBe('key-7');
    expect(reads()).toBe(1);
    index.forget(7);
    expect((await index.get(7))?.keyId).toBe('key-7');
    expect(reads()).toBe(2);
  });

  it('beyond its bound, evicts the least recently used user and reads it again when asked', async () => {
    const { repo, reads } = countingRepository();
    const index = new ActiveKeyIndex(repo, keystore, { maxSessions: 16 } as DssConfig);
    for (let user = 1; user <= 17; user += 1) await index.get(user);
    expect(reads()).toBe(17);
    expect((await index.get(17))?.keyId).toBe('key-17');
    expect(reads()).toBe(17);
    expect((await index.get(1))?.keyId).toBe('key-1');
    expect(reads()).toBe(18);
    expect(ACTIVE_KEY_INDEX_MAX).toBeGreaterThanOrEqual(16);
  });
});
