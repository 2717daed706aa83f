import { type EntityManager, In, MoreThan } from 'typeorm';
import { canonicalOf, type ChainedFields } from '../audit-chain';
import { CompactRange, leafHash, type TreeNode } from './merkle';

/**
 * The stored Merkle tree over the audit events (docs/AUDIT-LOG.md): table `audit_log_nodes` holds
 * the root of every complete perfect subtree (level, index, hash), `audit_log_state` (one row,
 * id 1) the tree size, the compact range to resume from and the root. Raw SQL, and nothing from
 * `@dss/persistence`, so that the migration that builds the tree for existing data can use it.
 */

export const LOG_STATE_ID = 1;

/** Leaf `seq - 1` of the tree is the UTF-8 canonical JSON of event `seq` (docs/AUDIT-LOG.md §2). */
export function leafBytes(event: ChainedFields): Buffer {
  return Buffer.from(canonicalOf(event), 'utf8');
}

/** Most leaf hashes kept between the appender and the tree builder of one process. */
const APPENDED_LEAVES_MAX = 65_536;
/** Most events the builder re-reads by `seq` list; past it, it reads the whole range. */
const MISSING_BY_LIST_MAX = 500;

/**
 * Leaf hashes of the events this process appended, by chain hash, until the tree builder takes
 * them: the builder then needs only each new row's `seq` and `hash`, instead of reading the whole
 * event back and building its canonical JSON again. Keyed by the chain hash, which covers the
 * event's canonical JSON and its predecessor: a row whose stored hash matches is the event that
 * was appended (a rolled-back append leaves a key no committed row carries). A row edited in the
 * database after its append keeps the leaf of what was appended, which is what the log must
 * commit to; verification recomputes every leaf from the stored row and reports the edit. Events
 * of other instances, or from before a restart, are read and hashed as before.
 */
const appendedLeaves = new Map<string, Buffer>();

export function rememberLeafHash(chainHashHex: string, leaf: Buffer): void {
  appendedLeaves.set(chainHashHex, leaf);
  if (appendedLeaves.size > APPENDED_LEAVES_MAX) {
    const oldest = appendedLeaves.keys().next();
    if (!oldest.done) appendedLeaves.delete(oldest.value);
  }
}

export interface TreeState {
  size: number;
  root: Buffer;
  compact: Buffer[];
}

const q = (m: EntityManager, name: string): string => m.connection.driver.escape(name);

/** Reads the tree state (optionally locking its row: `lock` is the engine's `FOR UPDATE` or ''). */
export async function readTreeState(m: EntityManager, lock = ''): Promise<TreeState | null> {
  const [row] = await m.query<{ size: number | string; compact: string; root: string }[]>(
    `SELECT ${q(m, 'size')}, ${q(m, 'compact')}, ${q(m, 'root')} FROM ${q(m, 'audit_log_state')} WHERE ${q(m, 'id')} = ?${lock}`,
    [LOG_STATE_ID],
  );
  if (!row) return null;
  return {
    size: Number(row.size),
    root: Buffer.from(row.root, 'hex'),
    compact: (JSON.parse(row.compact) as string[]).map((h) => Buffer.from(h, 'hex')),
  };
}

async function insertNodes(m: EntityManager, nodes: TreeNode[]): Promise<void> {
  const CHUNK = 300;
  for (let i = 0; i < nodes.length; i += CHUNK) {
    const chunk = nodes.slice(i, i + CHUNK);
    await m.query(
      `INSERT INTO ${q(m, 'audit_log_nodes')} (${q(m, 'level')}, ${q(m, 'idx')}, ${q(m, 'hash')}) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
      chunk.flatMap((n) => [n.level, n.index, n.hash.toString('hex')]),
    );
  }
}

/**
 * Appends to the tree the events committed after its current size, at most `maxLeaves` of them,
 * inside the caller's transaction. The caller must hold the state row's lock (`lock`), which is
 * what makes the tree one and the same whichever instance advances it. Stops at a gap in `seq`
 * (never skips an event). Costs O(log n) per leaf.
 */
export async function extendTree(
  m: EntityManager,
  lock: string,
  maxLeaves = 5000,
): Promise<TreeState & { added: number }> {
  const state = await readTreeState(m, lock);
  if (!state) throw new Error('audit log: the tree state row is missing (migrations not applied?)');
  const heads = await m.query<{ seq: number | string; hash: string }[]>(
    `SELECT ${q(m, 'seq')}, ${q(m, 'hash')} FROM ${q(m, 'audit_events')} WHERE ${q(m, 'seq')} > ? ORDER BY ${q(m, 'seq')} ASC LIMIT ${Math.trunc(maxLeaves)}`,
    [state.size],
  );
  const missing = heads.filter((h) => !appendedLeaves.has(h.hash)).map((h) => Number(h.seq));
  const read =
    missing.length === 0
      ? []
      : await m.find<ChainedFields & { seq: number }>('AuditEventEntity', {
          where: {
            seq: missing.length <= MISSING_BY_LIST_MAX ? In(missing) : MoreThan(state.size),
          },
          order: { seq: 'ASC' },
          take: maxLeaves,
        });
  const bySeq = new Map(read.map((e) => [e.seq, e]));
  const range = new CompactRange(state.size, state.compact);
  const nodes: TreeNode[] = [];
  for (const head of heads) {
    const seq = Number(head.seq);
    if (seq !== range.size + 1) break;
    let leaf = appendedLeaves.get(head.hash);
    if (leaf === undefined) {
      const event = bySeq.get(seq);
      if (event === undefined) break;
      leaf = leafHash(leafBytes(event));
    }
    // Taken: a failed transaction only sends the next attempt down the slower path.
    appendedLeaves.delete(head.hash);
    nodes.push(...range.append(leaf));
  }
  const added = range.size - state.size;
  if (added === 0) return { ...state, added };
  await insertNodes(m, nodes);
  const root = range.root();
  await m.query(
    `UPDATE ${q(m, 'audit_log_state')} SET ${q(m, 'size')} = ?, ${q(m, 'compact')} = ?, ${q(m, 'root')} = ? WHERE ${q(m, 'id')} = ?`,
    [
      range.size,
      JSON.stringify(range.hashes.map((h) => h.toString('hex'))),
      root.toString('hex'),
      LOG_STATE_ID,
    ],
  );
  return { size: range.size, root, compact: range.hashes, added };
}

/** Reads stored nodes by (level, index); a node not stored is absent from the map. */
export async function readNodes(
  m: EntityManager,
  wanted: readonly { level: number; index: number }[],
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const CHUNK = 200;
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const chunk = wanted.slice(i, i + CHUNK);
    const rows = await m.query<{ level: number | string; idx: number | string; hash: string }[]>(
      `SELECT ${q(m, 'level')}, ${q(m, 'idx')}, ${q(m, 'hash')} FROM ${q(m, 'audit_log_nodes')} WHERE ${chunk
        .map(() => `(${q(m, 'level')} = ? AND ${q(m, 'idx')} = ?)`)
        .join(' OR ')}`,
      chunk.flatMap((w) => [w.level, w.index]),
    );
    for (const r of rows)
      found.set(`${Number(r.level)}/${Number(r.idx)}`, Buffer.from(r.hash, 'hex'));
  }
  return found;
}

/** The stored leaf hashes of indexes [from, to), in order (missing ones absent). */
export async function readLeafHashes(
  m: EntityManager,
  from: number,
  to: number,
): Promise<Map<number, Buffer>> {
  const rows = await m.query<{ idx: number | string; hash: string }[]>(
    `SELECT ${q(m, 'idx')}, ${q(m, 'hash')} FROM ${q(m, 'audit_log_nodes')} WHERE ${q(m, 'level')} = 0 AND ${q(m, 'idx')} >= ? AND ${q(m, 'idx')} < ?`,
    [from, to],
  );
  return new Map(rows.map((r) => [Number(r.idx), Buffer.from(r.hash, 'hex')]));
}
