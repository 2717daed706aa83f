import { type DataSource, type EntityManager } from 'typeorm';
import { KeyPairEntity, type TransactionRunner } from '@dss/persistence';
import { KeyUnwrapError, unwrapPrivateKey, wrapPrivateKey } from './key-wrap';
import { type MasterKeyRing } from './master-key-ring';

/** Rows re-wrapped per transaction by default: each batch holds its row locks this long. */
export const DEFAULT_REWRAP_BATCH_SIZE = 50;

/** Options of {@link rewrapAll}. */
export interface RewrapOptions {
  /** Key pairs per transaction (default {@link DEFAULT_REWRAP_BATCH_SIZE}). */
  batchSize?: number;
  /** Called after each batch with the rows examined so far and the expected total. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link rewrapAll} did. */
export interface RewrapResult {
  /** Key pairs moved to the current master key. */
  rewrapped: number;
  /**
   * Active wrapped keys still under a master key other than the current one, by kek id: keys
   * under a master key missing from the ring, or listed in `unreadable`. Empty on success.
   */
  remainingByKek: Record<string, number>;
  /** Ids of key pairs whose blob did not authenticate under their own kek (left unchanged). */
  unreadable: string[];
}

/** The label {@link kekUsage} uses for active wrapped keys without a kek id (none expected). */
export const NO_KEK_ID = '(none)';

/**
 * Counts active (not deleted) wrapped keys per master-key id. A retired master key can be
 * removed from the ring once its count is zero.
 */
export async function kekUsage(ds: DataSource): Promise<Record<string, number>> {
  const rows = await ds
    .getRepository(KeyPairEntity)
    .createQueryBuilder('k')
    .select('k.kekId', 'kekId')
    .addSelect('COUNT(*)', 'n')
    .where('k.deleted = :deleted', { deleted: false })
    .andWhere('k.privateKeyWrapped IS NOT NULL')
    .groupBy('k.kekId')
    .getRawMany<{ kekId: string | null; n: string | number }>();
  const usage: Record<string, number> = {};
  for (const row of rows) usage[row.kekId ?? NO_KEK_ID] = Number(row.n);
  return usage;
}

/**
 * Re-wraps every active key pair whose `kek_id` is not the ring's current key under the
 * current key (DESIGN.md §4 rotation; run by `dss-admin master-key rotate` after
 * {@link MasterKeyRing.rotateFile}).
 *
 * Works in small batches, walking the primary key: each batch is its own transaction that
 * re-selects its rows with a row lock (FOR UPDATE on MySQL), unwraps each with its own kek,
 * wraps it with the current one and updates `private_key_wrapped` and `kek_id`, only while the
 * row is still active and under the same kek. So a signature or deletion waits for at most one
 * small batch, plain reads are never blocked, and a key deleted meanwhile is never restored.
 * Passes repeat until one re-wraps nothing, which also catches keys another instance created
 * under the old key before it noticed the rotation.
 */
export async function rewrapAll(
  ds: DataSource,
  runner: TransactionRunner,
  ring: MasterKeyRing,
  opts: RewrapOptions = {},
): Promise<RewrapResult> {
  const batchSize = opts.batchSize ?? DEFAULT_REWRAP_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new TypeError('rewrapAll: batchSize must be a positive integer');
  }
  ring.reloadIfChanged();
  const current = ring.current();
  const before = await kekUsage(ds);
  let total = Object.entries(before)
    .filter(([id]) => id !== current.id && ring.get(id) !== undefined)
    .reduce((sum, [, n]) => sum + n, 0);
  let rewrapped = 0;
  let done = 0;
  const unreadable = new Set<string>();

  for (;;) {
    let rewrappedThisPass = 0;
    let cursor = '';
    for (;;) {
      const batch = await runner.run((manager) =>
        rewrapBatch(manager, runner, ring, cursor, batchSize, unreadable),
      );
      if (batch.examined === 0) break;
      cursor = batch.lastId;
      rewrappedThisPass += batch.rewrapped;
      done += batch.examined;
      total = Math.max(total, done);
      opts.onProgress?.(done, total);
    }
    rewrapped += rewrappedThisPass;
    if (rewrappedThisPass === 0) break;
  }

  const after = await kekUsage(ds);
  const remainingByKek = Object.fromEntries(
    Object.entries(after).filter(([id]) => id !== current.id),
  );
  return { rewrapped, remainingByKek, unreadable: [...unreadable] };
}

/** One transaction: the next `batchSize` candidate rows after `cursor`, locked, re-wrapped. */
async function rewrapBatch(
  manager: EntityManager,
  runner: TransactionRunner,
  ring: MasterKeyRing,
  cursor: string,
  batchSize: number,
  unreadable: Set<string>,
): Promise<{ examined: number; rewrapped: number; lastId: string }> {
  const current = ring.current();
  const rows = await runner
    .forUpdate(
      manager
        .getRepository(KeyPairEntity)
        .createQueryBuilder('k')
        .select(['k.id', 'k.userId', 'k.kekId'])
        .addSelect('k.privateKeyWrapped')
        .where('k.deleted = :deleted', { deleted: false })
        .andWhere('k.privateKeyWrapped IS NOT NULL')
        .andWhere('k.kekId IS NOT NULL')
        .andWhere('k.kekId <> :current', { current: current.id })
        .andWhere('k.id > :cursor', { cursor })
        .orderBy('k.id', 'ASC')
        .limit(batchSize),
    )
    .getMany();

  let rewrapped = 0;
  for (const row of rows) {
    const oldKek = ring.get(row.kekId!);
    if (oldKek === undefined) continue; // reported in remainingByKek
    let der: Buffer;
    try {
      der = unwrapPrivateKey(oldKek, row.id, row.userId, row.privateKeyWrapped!);
    } catch (err) {
      if (!(err instanceof KeyUnwrapError)) throw err;
      unreadable.add(row.id);
      continue;
    }
    let blob: Buffer;
    try {
      blob = wrapPrivateKey(current, row.id, row.userId, der);
    } finally {
      der.fill(0);
    }
    const result = await manager.update(
      KeyPairEntity,
      { id: row.id, kekId: row.kekId!, deleted: false },
      { privateKeyWrapped: blob, kekId: current.id },
    );
    rewrapped += result.affected ?? 0;
  }
  return { examined: rows.length, rewrapped, lastId: rows.at(-1)?.id ?? cursor };
}
