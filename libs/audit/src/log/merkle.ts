import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 (the same hashing as RFC 6962 §2.1), over SHA-256.
 * Pure functions, no I/O: the server, the admin tools and the clients share them.
 *
 * Tree sizes and indexes are JavaScript numbers (exact up to 2^53); never bitwise operators,
 * which would truncate them to 32 bits.
 */

/** `MTH({}) = SHA-256()` (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** `MTH({d}) = SHA-256(0x00 || d)` (RFC 9162 §2.1.1). */
export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(leaf).digest();
}

/** `SHA-256(0x01 || left || right)` (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than `n` (n > 1): the split point `k` of §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** Math.round(Math.log2(n)) === n;
}

function log2(n: number): number {
  return Math.round(Math.log2(n));
}

/** One stored node: the root of the perfect subtree over leaves [index·2^level, (index+1)·2^level). */
export interface TreeNode {
  level: number;
  index: number;
  hash: Buffer;
}

/**
 * The compact range [0, size) (the right edge of the tree): one perfect subtree root per set
 * bit of `size`, largest first. Appending a leaf costs O(log n) and reports the nodes it
 * completes, which the server stores so that any proof needs only O(log n) stored nodes.
 */
export class CompactRange {
  private readonly stack: { level: number; hash: Buffer }[];

  constructor(
    private treeSize = 0,
    hashes: readonly Buffer[] = [],
  ) {
    const levels: number[] = [];
    for (let level = 0, s = treeSize; s > 0; level++, s = Math.floor(s / 2))
      if (s % 2 === 1) levels.unshift(level);
    if (levels.length !== hashes.length)
      throw new Error(`compact range: ${hashes.length} hashes for size ${treeSize}`);
    this.stack = levels.map((level, i) => ({ level, hash: hashes[i] }));
  }

  get size(): number {
    return this.treeSize;
  }

  /** The perfect subtree roots, largest first (what the server keeps to resume appending). */
  get hashes(): Buffer[] {
    return this.stack.map((e) => e.hash);
  }

  /** Appends one leaf hash; returns the nodes it completes (the leaf itself first). */
  append(leaf: Buffer): TreeNode[] {
    let index = this.treeSize;
    let level = 0;
    let hash = leaf;
    const created: TreeNode[] = [{ level, index, hash }];
    while (index % 2 === 1) {
      const left = this.stack.pop()!;
      hash = nodeHash(left.hash, hash);
      index = Math.floor(index / 2);
      level += 1;
      created.push({ level, index, hash });
    }
    this.stack.push({ level, hash });
    this.treeSize += 1;
    return created;
  }

  /** MTH of the leaves so far: the stack folded right to left. */
  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let hash = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i].hash, hash);
    return hash;
  }
}

/** MTH of a list of leaf hashes, in O(n) time and O(log n) space. */
export function rootOf(leafHashes: readonly Buffer[]): Buffer {
  const range = new CompactRange();
  for (const h of leafHashes) range.append(h);
  return range.root();
}

/** Reads the stored root of a perfect subtree. */
export type NodeReader = (level: number, index: number) => Buffer;

/**
 * MTH(D[start:end]) from stored perfect subtrees. Every range the proof algorithms ask for starts
 * at a multiple of the largest power of two not above its length, so it splits into O(log n)
 * stored nodes.
 */
export function rangeHash(start: number, end: number, node: NodeReader): Buffer {
  const n = end - start;
  if (n <= 0) throw new RangeError(`empty range [${start}, ${end})`);
  if (isPowerOfTwo(n) && start % n === 0) return node(log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(start, start + k, node), rangeHash(start + k, end, node));
}

/** PATH(m, D[start:end]) of RFC 9162 §2.1.3.1. */
function path(m: number, start: number, end: number, node: NodeReader): Buffer[] {
  const n = end - start;
  if (n === 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...path(m, start, start + k, node), rangeHash(start + k, end, node)];
  return [...path(m - k, start + k, end, node), rangeHash(start, start + k, node)];
}

/** SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1. */
function subproof(m: number, start: number, end: number, b: boolean, node: NodeReader): Buffer[] {
  const n = end - start;
  if (m === n) return b ? [] : [rangeHash(start, end, node)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(m, start, start + k, b, node), rangeHash(start + k, end, node)];
  return [...subproof(m - k, start + k, end, false, node), rangeHash(start, start + k, node)];
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
export function inclusionProof(index: number, size: number, node: NodeReader): Buffer[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`index ${index} not in [0, ${size})`);
  return path(index, 0, size, node);
}

/** The consistency proof between sizes `from` and `to` (RFC 9162 §2.1.4.1); 0 < from ≤ to. */
export function consistencyProof(from: number, to: number, node: NodeReader): Buffer[] {
  if (!(from > 0 && from <= to)) throw new RangeError(`sizes ${from}, ${to}: need 0 < from ≤ to`);
  return subproof(from, 0, to, true, node);
}

/**
 * The stored nodes a proof needs, found by running the algorithm once with a reader that only
 * records what it is asked for (so the caller can fetch them all in one query).
 */
export function nodesNeeded(
  run: (node: NodeReader) => unknown,
): { level: number; index: number }[] {
  const wanted = new Map<string, { level: number; index: number }>();
  run((level, index) => {
    wanted.set(`${level}/${index}`, { level, index });
    return EMPTY_ROOT;
  });
  return [...wanted.values()];
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** Verifies an inclusion proof (RFC 9162 §2.1.3.2). */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  size: number,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** Verifies a consistency proof between two tree heads (RFC 9162 §2.1.4.2). */
export function verifyConsistency(
  from: number,
  to: number,
  fromRoot: Buffer,
  toRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (from <= 0 || from > to) return false;
  if (from === to) return proof.length === 0 && equal(fromRoot, toRoot);
  if (proof.length === 0) return false;
  const hashes = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = hashes[0];
  let sr = hashes[0];
  for (const c of hashes.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return equal(fr, fromRoot) && equal(sr, toRoot) && sn === 0;
}
