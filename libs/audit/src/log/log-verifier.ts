import { type EntityManager, MoreThan } from 'typeorm';
import { type ChainedFields } from '../audit-chain';
import {
  CompactRange,
  consistencyProof,
  leafHash,
  type NodeReader,
  rootOf,
  verifyConsistency,
} from './merkle';
import { NoteError, type NoteVerifier, openCheckpoint } from './note';
import { leafBytes, readTreeState } from './tree-store';

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

/** Where a checkpoint came from: the database, the checkpoint file, or handed in by the auditor. */
export type CheckpointSource = 'database' | 'file' | 'given';

export interface CheckpointInput {
  source: CheckpointSource;
  /** A label for reports (a file name, "database"). */
  label: string;
  note: string;
}

/** One thing found wrong. `firstBadIndex` is a leaf index (event seq − 1), or null if unknown. */
export interface LogProblem {
  source: CheckpointSource | 'tree' | 'chain';
  label: string;
  size: number | null;
  firstBadIndex: number | null;
  reason: string;
}

export interface LogVerification {
  valid: boolean;
  /** Contiguous events found from seq 1. */
  events: number;
  /** Verified checkpoints (all sources, deduplicated by size). */
  checkpointsChecked: number;
  /** The largest verified checkpoint size, or null when none was available. */
  latestCheckpointSize: number | null;
  /** The smallest bad leaf index over all problems (event seq − 1), or null. */
  firstBadIndex: number | null;
  reason: string | null;
  problems: LogProblem[];
}

/** What the verification reads: event leaves, and optionally the stored tree. */
export interface LogEvidence {
  /** Leaf hashes of the events, index = seq − 1, contiguous from seq 1. */
  eventLeaves: Buffer[];
  /** The seq where the events stop being contiguous (a missing event), or null. */
  gapAtSeq: number | null;
  /** Every stored tree node (`level/index` → hash), when a stored tree is at hand. */
  storedNodes?: () => Promise<Map<string, Buffer>>;
  /** The stored tree state, when at hand. */
  tree?: { size: number; root: Buffer } | null;
}

/**
 * Checks the events against every checkpoint (docs/AUDIT-LOG.md §6). A checkpoint that does not
 * verify under the log key is itself a problem. For a checkpoint whose root the events do not
 * reproduce, the first bad index is found from the stored leaf hashes when they reproduce that
 * root (then they are authentic whatever the database says), else bounded by the last
 * checkpoint the events do reproduce.
 */
export async function verifyLogEvidence(
  evidence: LogEvidence,
  checkpoints: readonly CheckpointInput[],
  verifier: NoteVerifier | null,
): Promise<LogVerification> {
  const problems: LogProblem[] = [];
  if (verifier === null && checkpoints.length > 0)
    throw new NoteError('checkpoints need the log verifier key to be checked');
  const bySize = new Map<number, { root: Buffer; label: string; source: CheckpointSource }>();
  for (const c of checkpoints) {
    let parsed;
    try {
      parsed = openCheckpoint(c.note, verifier!);
    } catch (err) {
      problems.push({
        source: c.source,
        label: c.label,
        size: null,
        firstBadIndex: null,
        reason: `checkpoint does not verify: ${err instanceof NoteError ? err.message : String(err)}`,
      });
      continue;
    }
    if (parsed.origin !== verifier!.name) {
      problems.push({
        source: c.source,
        label: c.label,
        size: parsed.size,
        firstBadIndex: null,
        reason: `checkpoint of another log (${parsed.origin})`,
      });
      continue;
    }
    const seen = bySize.get(parsed.size);
    if (seen && !seen.root.equals(parsed.rootHash)) {
      problems.push({
        source: c.source,
        label: c.label,
        size: parsed.size,
        firstBadIndex: null,
        reason: `two signed checkpoints of size ${parsed.size} disagree (${seen.label}): the log key signed a fork`,
      });
      continue;
    }
    if (!seen) bySize.set(parsed.size, { root: parsed.rootHash, label: c.label, source: c.source });
  }

  const { eventLeaves } = evidence;
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  // One pass over the events: the root at every checkpoint size.
  const rootsAt = new Map<number, Buffer>();
  const range = new CompactRange();
  let next = 0;
  if (sizes[0] === 0) rootsAt.set(0, range.root());
  for (const leaf of eventLeaves) {
    range.append(leaf);
    while (next < sizes.length && sizes[next] < range.size) next++;
    if (sizes[next] === range.size) rootsAt.set(range.size, range.root());
  }
  let goodSize = 0;
  for (const size of sizes) {
    const cp = bySize.get(size)!;
    const root = rootsAt.get(size);
    if (root?.equals(cp.root)) {
      goodSize = size;
      continue;
    }
    const located = await locate(evidence, size, cp.root, goodSize);
    problems.push({
      source: cp.source,
      label: cp.label,
      size,
      firstBadIndex: located.index,
      reason:
        eventLeaves.length < size && located.index === eventLeaves.length
          ? `events missing: the checkpoint covers ${size} events, the database has ${eventLeaves.length} in a row from the first`
          : located.reason,
    });
  }

  if (evidence.tree) {
    const { size, root } = evidence.tree;
    if (eventLeaves.length < size) {
      problems.push({
        source: 'tree',
        label: 'database tree',
        size,
        firstBadIndex: eventLeaves.length,
        reason: `the stored tree holds ${size} leaves, the database only ${eventLeaves.length} events in a row`,
      });
    } else if (!rootOf(eventLeaves.slice(0, size)).equals(root)) {
      const located = await locate(evidence, size, root, goodSize);
      problems.push({
        source: 'tree',
        label: 'database tree',
        size,
        firstBadIndex: located.index,
        reason: `the events do not reproduce the stored tree: ${located.reason}`,
      });
    }
  }
  if (evidence.gapAtSeq !== null && problems.length === 0) {
    problems.push({
      source: 'chain',
      label: 'events',
      size: null,
      firstBadIndex: evidence.gapAtSeq - 1,
      reason: `event ${evidence.gapAtSeq} is missing`,
    });
  }
  const indexes = problems.map((p) => p.firstBadIndex).filter((i): i is number => i !== null);
  const firstBadIndex = indexes.length > 0 ? Math.min(...indexes) : null;
  const first =
    problems.find((p) => p.firstBadIndex === firstBadIndex && firstBadIndex !== null) ??
    problems[0];
  return {
    valid: problems.length === 0,
    events: eventLeaves.length,
    checkpointsChecked: bySize.size,
    latestCheckpointSize: sizes.length > 0 ? sizes[sizes.length - 1] : null,
    firstBadIndex,
    reason: first ? first.reason : null,
    problems,
  };
}

/**
 * The first leaf index at which the events leave the tree whose root at `size` is `root`: the
 * longest prefix of the events that is provably a prefix of that tree, found by binary search
 * with consistency proofs built from the stored nodes. The stored nodes are not trusted: a
 * proof that verifies against the signed root is evidence whatever its source. Without usable
 * nodes, the last checkpoint the events reproduce bounds the index from below.
 */
async function locate(
  evidence: LogEvidence,
  size: number,
  root: Buffer,
  goodSize: number,
): Promise<{ index: number; reason: string }> {
  const { eventLeaves } = evidence;
  const nodes = evidence.storedNodes ? await evidence.storedNodes() : undefined;
  const hi = Math.min(eventLeaves.length, size);
  const missingFrom = (i: number) =>
    i >= eventLeaves.length
      ? `event ${i + 1} is missing (the checkpoint of size ${size} covers it)`
      : `event ${i + 1} is not the event the checkpoint of size ${size} covers (altered, removed or moved)`;
  if (!nodes) {
    return {
      index: Math.min(goodSize, hi),
      reason: `the events do not reproduce the checkpoint of size ${size}; the first bad event is at or after event ${Math.min(goodSize, hi) + 1}`,
    };
  }
  let unprovable = false;
  const reader: NodeReader = (level, index) => {
    const h = nodes.get(`${level}/${index}`);
    if (!h) throw new RangeError('node not stored');
    return h;
  };
  const prefixOk = (m: number): boolean => {
    if (m === 0) return true;
    if (m === size) return rootOf(eventLeaves.slice(0, m)).equals(root);
    try {
      const proof = consistencyProof(m, size, reader);
      return verifyConsistency(m, size, rootOf(eventLeaves.slice(0, m)), root, proof);
    } catch {
      unprovable = true;
      return false;
    }
  };
  let lo = Math.min(goodSize, hi);
  let top = hi;
  if (prefixOk(top)) lo = top;
  else {
    while (lo < top - 1) {
      const mid = Math.floor((lo + top) / 2);
      if (prefixOk(mid)) lo = mid;
      else top = mid;
    }
  }
  if (unprovable)
    return {
      index: lo,
      reason: `the events do not reproduce the checkpoint of size ${size}; the stored tree was altered too, so the first bad event is at or after event ${lo + 1}`,
    };
  return { index: lo, reason: missingFrom(lo) };
}

/** Every stored node, keyed `level/index`. */
export async function readAllNodes(m: EntityManager): Promise<Map<string, Buffer>> {
  const rows = await m.query<{ level: number | string; idx: number | string; hash: string }[]>(
    'SELECT level, idx, hash FROM audit_log_nodes',
  );
  return new Map(
    rows.map((r) => [`${Number(r.level)}/${Number(r.idx)}`, Buffer.from(r.hash, 'hex')]),
  );
}

/** Reads every event from the database, oldest first, a page at a time, as leaf hashes. */
export async function readEventLeaves(
  m: EntityManager,
): Promise<{ leaves: Buffer[]; gapAtSeq: number | null }> {
  const leaves: Buffer[] = [];
  let after = 0;
  for (;;) {
    const page = await m.find<ChainedFields & { seq: number }>('AuditEventEntity', {
      where: { seq: MoreThan(after) },
      order: { seq: 'ASC' },
      take: 1000,
    });
    if (page.length === 0) return { leaves, gapAtSeq: null };
    for (const e of page) {
      if (e.seq !== leaves.length + 1) return { leaves, gapAtSeq: leaves.length + 1 };
      let bytes: Buffer;
      try {
        bytes = leafBytes(e);
      } catch {
        // Details that are not JSON cannot be the event that was logged.
        bytes = Buffer.from(`unreadable event ${e.seq}`);
      }
      leaves.push(leafHash(bytes));
    }
    after = page[page.length - 1].seq;
  }
}

/**
 * Verifies the database's events against its own tree, its stored checkpoints and any others
 * given (the checkpoint file, an auditor's copies).
 */
export async function verifyDatabaseLog(
  m: EntityManager,
  /** Null when no log key is at hand: the events are checked against the stored tree only. */
  verifier: NoteVerifier | null,
  extra: readonly CheckpointInput[],
): Promise<LogVerification> {
  const { leaves, gapAtSeq } = await readEventLeaves(m);
  let tree: { size: number; root: Buffer } | null = null;
  const problems: LogProblem[] = [];
  try {
    tree = await readTreeState(m);
    if (!tree)
      problems.push({
        source: 'tree',
        label: 'database tree',
        size: null,
        firstBadIndex: null,
        reason: 'the tree state row is missing',
      });
  } catch {
    problems.push({
      source: 'tree',
      label: 'database tree',
      size: null,
      firstBadIndex: null,
      reason: 'the tree tables cannot be read',
    });
  }
  let stored: CheckpointInput[] = [];
  if (verifier !== null)
    try {
      const rows = await m.query<{ size: number | string; note: string }[]>(
        'SELECT size, note FROM audit_log_checkpoints ORDER BY size ASC',
      );
      stored = rows.map((r) => ({
        source: 'database',
        label: `database checkpoint ${Number(r.size)}`,
        note: r.note,
      }));
    } catch {
      problems.push({
        source: 'tree',
        label: 'database checkpoints',
        size: null,
        firstBadIndex: null,
        reason: 'the checkpoints table cannot be read',
      });
    }
  const result = await verifyLogEvidence(
    { eventLeaves: leaves, gapAtSeq, tree, storedNodes: once(() => readAllNodes(m)) },
    [...stored, ...extra],
    verifier,
  );
  if (problems.length === 0) return result;
  return {
    ...result,
    valid: false,
    reason: result.reason ?? problems[0].reason,
    problems: [...problems, ...result.problems],
  };
}

/** An event as the NDJSON export writes it (GET /api/audit/events). */
export interface ExportedEvent {
  seq: number;
  at: string;
  actorType: string;
  actor: string;
  action: string;
  subject: string | null;
  details: unknown;
}

/** Leaf hashes of an NDJSON export's events; refuses a line that is not an exported event. */
export function exportLeaves(ndjson: string): { leaves: Buffer[]; gapAtSeq: number | null } {
  const leaves: Buffer[] = [];
  const lines = ndjson.split('\n').filter((l) => l.trim() !== '');
  for (const [n, line] of lines.entries()) {
    let e: ExportedEvent;
    try {
      e = JSON.parse(line) as ExportedEvent;
    } catch {
      throw new NoteError(`line ${n + 1} is not JSON`);
    }
    if (typeof e.seq !== 'number' || typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at)))
      throw new NoteError(`line ${n + 1} is not an exported audit event`);
    if (e.seq !== leaves.length + 1) return { leaves, gapAtSeq: leaves.length + 1 };
    leaves.push(
      leafHash(
        leafBytes({
          seq: e.seq,
          at: new Date(e.at),
          actorType: e.actorType,
          actor: e.actor,
          action: e.action,
          subject: e.subject,
          details: JSON.stringify(e.details ?? {}),
        }),
      ),
    );
  }
  return { leaves, gapAtSeq: null };
}
