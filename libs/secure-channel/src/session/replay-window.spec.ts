import { ReplayWindow } from './replay-window';

describe('PROTOCOL.md §3.1 replay window (RFC 4303 §3.4.3)', () => {
  it('accepts each seq once, in any order inside the window', () => {
    const w = new ReplayWindow(64);
    for (const seq of [3, 1, 2, 10, 5]) expect(w.accept(seq)).toBe(true);
    for (const seq of [3, 1, 2, 10, 5]) expect(w.accept(seq)).toBe(false);
    expect(w.high).toBe(10);
    expect(w.check(4)).toBe(true);
  });

  it('refuses seq <= H - W and accepts H - W + 1', () => {
    const w = new ReplayWindow(64);
    expect(w.accept(100)).toBe(true);
    expect(w.check(36)).toBe(false);
    expect(w.check(37)).toBe(true);
  });

  it('forgets bits that slide out of the window (no false replays after a jump)', () => {
    const w = new ReplayWindow(64);
    for (let s = 1; s <= 64; s++) expect(w.accept(s)).toBe(true);
    expect(w.accept(64 + 63)).toBe(true); // slots of 65..126 are cleared, not inherited from 1..62
    for (let s = 65; s < 127; s++) expect(w.check(s)).toBe(true);
    expect(w.accept(1000)).toBe(true); // a jump past W clears everything
    expect(w.check(999)).toBe(true);
    expect(w.check(936)).toBe(false);
  });

  it('check never changes state', () => {
    const w = new ReplayWindow(64);
    expect(w.check(5)).toBe(true);
    expect(w.check(5)).toBe(true);
    expect(w.high).toBe(0);
  });

  it('handles seq up to 2^53 - 1', () => {
    const w = new ReplayWindow(1024);
    expect(w.accept(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(w.accept(Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(w.accept(Number.MAX_SAFE_INTEGER - 1)).toBe(true);
  });

  it('allocates its bitmap only when a seq is first accepted', () => {
    const bitsOf = (w: ReplayWindow): Uint32Array | undefined =>
      (w as unknown as { bits?: Uint32Array }).bits;
    const w = new ReplayWindow(1024);
    expect(w.check(1)).toBe(true);
    expect(w.check(0)).toBe(true);
    expect(bitsOf(w)).toBeUndefined();
    expect(w.accept(3)).toBe(true);
    expect(bitsOf(w)).toHaveLength(32);
    expect(w.accept(3)).toBe(false);
    expect(new ReplayWindow(64).bitmap).toEqual(new Uint32Array(2));
  });

  it('resumes from a serialized bitmap, and refuses one of the wrong size', () => {
    const w = new ReplayWindow(64);
    for (const seq of [5, 7, 70]) w.accept(seq);
    const resumed = new ReplayWindow(64, w.high, w.bitmap);
    expect([7, 70].map((seq) => resumed.check(seq))).toEqual([false, false]);
    expect([8, 69, 71].map((seq) => resumed.check(seq))).toEqual([true, true, true]);
    expect(resumed.check(6)).toBe(false); // at or below H - W
    expect(() => new ReplayWindow(64, 0, new Uint32Array(3))).toThrow(RangeError);
  });

  it('rejects a size that is not a multiple of 32 or below 64', () => {
    expect(() => new ReplayWindow(32)).toThrow(RangeError);
    expect(() => new ReplayWindow(100)).toThrow(RangeError);
  });
});
