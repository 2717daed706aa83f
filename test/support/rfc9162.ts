/**
 * An independent RFC 9162 implementation for the tests, written from the RFC's text (§2.1.1
 * MTH, §2.1.3.1 PATH, §2.1.3.2 inclusion verification, §2.1.4.1 PROOF/SUBPROOF, §2.1.4.2
 * consistency verification) and not from the server's code: the server's proofs must satisfy it.
 */
import { createHash } from 'node:crypto';

const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);

export const rfcLeafHash = (d: Uint8Array): Buffer => sha(Buffer.of(0), d);

/** MTH(D[n]) over leaf data. */
export function mth(d: readonly Uint8Array[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return rfcLeafHash(d[0]);
  const s = k(d.length);
  return sha(Buffer.of(1), mth(d.slice(0, s)), mth(d.slice(s)));
}

/** PATH(m, D[n]). */
export function rfcPath(m: number, d: readonly Uint8Array[]): Buffer[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s
    ? [...rfcPath(m, d.slice(0, s)), mth(d.slice(s))]
    : [...rfcPath(m - s, d.slice(s)), mth(d.slice(0, s))];
}

function subproof(m: number, d: readonly Uint8Array[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s
    ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))]
    : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

/** PROOF(m, D[n]). */
export const rfcProof = (m: number, d: readonly Uint8Array[]): Buffer[] => subproof(m, d, true);

const lsb = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** §2.1.3.2, step by step. */
export function rfcVerifyInclusion(
  index: number,
  size: number,
  hash: Buffer,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = hash;
  for (const p of path) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = sha(Buffer.of(1), p, r);
      if (!lsb(fn)) while (!(lsb(fn) || fn === 0)) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = sha(Buffer.of(1), r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && r.equals(root);
}

/** §2.1.4.2, step by step. */
export function rfcVerifyConsistency(
  first: number,
  second: number,
  firstHash: Buffer,
  secondHash: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (first === second) return proof.length === 0 && firstHash.equals(secondHash);
  if (proof.length === 0) return false;
  const path = Number.isInteger(Math.log2(first)) ? [firstHash, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  if (lsb(fn)) while (lsb(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = sha(Buffer.of(1), c, fr);
      sr = sha(Buffer.of(1), c, sr);
      if (!lsb(fn)) while (!(lsb(fn) || fn === 0)) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = sha(Buffer.of(1), sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0;
}

/** The leaf bytes of an audit event as docs/AUDIT-LOG.md §2 defines them, written out again. */
export function documentedLeaf(e: {
  seq: number;
  at: Date;
  actorType: string;
  actor: string;
  action: string;
  subject: string | null;
  details: string;
}): Buffer {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((key) => [key, sortKeys((v as Record<string, unknown>)[key])]),
          )
        : v;
  return Buffer.from(
    JSON.stringify(
      sortKeys({
        seq: e.seq,
        at: e.at.toISOString(),
        actorType: e.actorType,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        details: JSON.parse(e.details) as unknown,
      }),
    ),
    'utf8',
  );
}
