import {
  CompactRange,
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  type NodeReader,
  nodesNeeded,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// Known answers from the Certificate Transparency reference test data (RFC 6962 test vectors as
// published in transparency-dev/merkle `testonly/constants.go` and google/certificate-transparency
// `merkle_tree_test`): the eight leaves, the root of every size 0..8, and proofs over them. Data
// only; the code under test is ours.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 0, size: 1, proof: [] },
];
const CONSISTENCY = [
  {
    from: 2,
    to: 8,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    from: 6,
    to: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    from: 2,
    to: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const hex = (b: Buffer) => b.toString('hex');

/** Stores every node a CompactRange creates, as the server does. */
function storedTree(leaves: readonly Buffer[]): { node: NodeReader; roots: Buffer[] } {
  const nodes = new Map<string, Buffer>();
  const range = new CompactRange();
  const roots = [range.root()];
  for (const leaf of leaves) {
    for (const n of range.append(leafHash(leaf))) nodes.set(`${n.level}/${n.index}`, n.hash);
    roots.push(range.root());
  }
  const node: NodeReader = (level, index) => {
    const h = nodes.get(`${level}/${index}`);
    if (!h) throw new Error(`node ${level}/${index} was never stored`);
    return h;
  };
  return { node, roots };
}

describe('Merkle tree (RFC 9162 §2.1)', () => {
  const { node, roots } = storedTree(LEAVES);

  it('reproduces the reference roots for the empty tree and sizes 1..8', () => {
    expect(hex(EMPTY_ROOT)).toBe(ROOTS[0]);
    expect(roots.map(hex)).toEqual(ROOTS);
    for (let n = 0; n <= 8; n++)
      expect(hex(rootOf(LEAVES.slice(0, n).map(leafHash)))).toBe(ROOTS[n]);
  });

  it('resumes from a saved compact range exactly where it left off', () => {
    const first = new CompactRange();
    for (const leaf of LEAVES.slice(0, 5)) first.append(leafHash(leaf));
    const resumed = new CompactRange(first.size, first.hashes);
    for (const leaf of LEAVES.slice(5)) resumed.append(leafHash(leaf));
    expect(hex(resumed.root())).toBe(ROOTS[8]);
    expect(() => new CompactRange(5, first.hashes.slice(1))).toThrow();
  });

  it.each(INCLUSION)('gives the reference inclusion proof of leaf $index in size $size', (v) => {
    expect(inclusionProof(v.index, v.size, node).map(hex)).toEqual(v.proof);
    const proof = v.proof.map((h) => Buffer.from(h, 'hex'));
    const leaf = leafHash(LEAVES[v.index]);
    const root = Buffer.from(ROOTS[v.size], 'hex');
    expect(verifyInclusion(leaf, v.index, v.size, proof, root)).toBe(true);
    expect(verifyInclusion(leaf, v.index + 1, v.size, proof, root)).toBe(false);
    expect(verifyInclusion(leafHash(LEAVES[(v.index + 1) % 8]), v.index, v.size, proof, root)).toBe(
      false,
    );
  });

  it.each(CONSISTENCY)('gives the reference consistency proof from $from to $to', (v) => {
    expect(consistencyProof(v.from, v.to, node).map(hex)).toEqual(v.proof);
    const proof = v.proof.map((h) => Buffer.from(h, 'hex'));
    const a = Buffer.from(ROOTS[v.from], 'hex');
    const b = Buffer.from(ROOTS[v.to], 'hex');
    expect(verifyConsistency(v.from, v.to, a, b, proof)).toBe(true);
    expect(verifyConsistency(v.from, v.to, b, a, proof)).toBe(false);
    expect(verifyConsistency(v.from, v.to, a, b, proof.slice(1))).toBe(false);
  });

  it('proves and verifies every index and every pair of sizes up to 70 from stored nodes only', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => Buffer.from(`leaf ${i}`));
    const tree = storedTree(leaves);
    for (let n = 1; n <= 70; n++) {
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, n, tree.node);
        expect(verifyInclusion(leafHash(leaves[i]), i, n, proof, tree.roots[n])).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(m, n, tree.node);
        expect(verifyConsistency(m, n, tree.roots[m], tree.roots[n], proof)).toBe(true);
        if (m < n)
          expect(verifyConsistency(m, n, tree.roots[m - 1], tree.roots[n], proof)).toBe(false);
      }
    }
  });

  it('names the O(log n) stored nodes a proof reads', () => {
    const needed = nodesNeeded((node) => consistencyProof(1000, 1_000_000, node));
    expect(needed.length).toBeLessThanOrEqual(2 * 20);
    expect(needed.length).toBeGreaterThan(0);
  });

  it('refuses indexes and sizes outside the tree', () => {
    expect(() => inclusionProof(8, 8, node)).toThrow(RangeError);
    expect(() => consistencyProof(0, 8, node)).toThrow(RangeError);
    expect(() => consistencyProof(9, 8, node)).toThrow(RangeError);
  });
});
