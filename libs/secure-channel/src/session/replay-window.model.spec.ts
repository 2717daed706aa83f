import fc from 'fast-check';
import { ReplayWindow } from './replay-window';

/**
 * The replay window (PROTOCOL.md §3.1, RFC 4303 §3.4.3) against the simplest model of it: the set
 * of every accepted `seq` and the highest one. A `seq` is acceptable iff it is above H − W and was
 * never accepted; the bitmap is only a bounded encoding of that set.
 */
class Model {
  private readonly accepted = new Set<number>();
  private highest = 0;

  constructor(private readonly size: number) {}

  check(seq: number): boolean {
    return seq > this.highest - this.size && !this.accepted.has(seq);
  }

  accept(seq: number): boolean {
    if (!this.check(seq)) return false;
    this.accepted.add(seq);
    this.highest = Math.max(this.highest, seq);
    return true;
  }

  get high(): number {
    return this.highest;
  }
}

/** Sequence numbers that stay near each other (in and around the window) and some far jumps. */
const seq = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 400 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }) },
);

describe('ReplayWindow against a model (fast-check)', () => {
  it('accepts and refuses exactly as the set of accepted numbers says', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(64, 96, 128, 1024),
        fc.array(fc.tuple(fc.boolean(), seq), { maxLength: 300 }),
        (size, steps) => {
          const window = new ReplayWindow(size);
          const model = new Model(size);
          for (const [onlyCheck, n] of steps) {
            if (onlyCheck) expect(window.check(n)).toBe(model.check(n));
            else expect(window.accept(n)).toBe(model.accept(n));
            expect(window.high).toBe(model.high);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('resumes from its serialized state (H and bitmap) exactly where it was', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(64, 128),
        fc.array(seq, { maxLength: 150 }),
        fc.array(seq, { maxLength: 150 }),
        (size, before, after) => {
          const window = new ReplayWindow(size);
          for (const n of before) window.accept(n);
          const resumed = new ReplayWindow(size, window.high, window.bitmap);
          for (const n of after) expect(resumed.accept(n)).toBe(window.accept(n));
        },
      ),
      { numRuns: 200 },
    );
  });
});
