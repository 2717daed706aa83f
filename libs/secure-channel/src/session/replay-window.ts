/**
 * Anti-replay sliding window of PROTOCOL.md §3.1, after RFC 4303 §3.4.3: the highest accepted
 * `seq` (H) and a bitmap of the last W accepted numbers. `check` never changes state, so a request
 * whose payload fails to authenticate does not move the window; `accept` marks a number accepted.
 */
export class ReplayWindow {
  /**
   * Allocated by the first {@link ReplayWindow.accept} (or read of `bitmap`): until then every bit
   * is 0, and a session that only handshook holds no bitmap (W / 8 bytes plus two objects).
   */
  private bits: Uint32Array | undefined;

  /**
   * @param size W, a multiple of 32, at least 64.
   * @param highest H, initially 0 (nothing accepted yet).
   * @param bitmap a serialized bitmap (see {@link ReplayWindow.bitmap}) to resume from.
   */
  constructor(
    readonly size: number = 1024,
    private highest = 0,
    bitmap?: Uint32Array,
  ) {
    if (!Number.isInteger(size) || size < 64 || size % 32 !== 0) {
      throw new RangeError('replay window size must be a multiple of 32, at least 64');
    }
    if (bitmap) {
      this.bits = Uint32Array.from(bitmap);
      if (this.bits.length !== size / 32)
        throw new RangeError('replay window bitmap has the wrong size');
    }
  }

  /** H: the highest accepted sequence number. */
  get high(): number {
    return this.highest;
  }

  /** The bitmap, bit `seq mod W` set for each accepted `seq` in (H − W, H]. */
  get bitmap(): Uint32Array {
    return this.allocated();
  }

  /** True when `seq` may be accepted: above H − W and not yet accepted. */
  check(seq: number): boolean {
    if (seq > this.highest) return true;
    if (seq <= this.highest - this.size) return false;
    return !this.isSet(seq);
  }

  /** Checks and marks `seq` accepted in one step; false (and no change) when it is a replay. */
  accept(seq: number): boolean {
    if (!this.check(seq)) return false;
    const bits = this.allocated();
    if (seq > this.highest) {
      const advance = seq - this.highest;
      if (advance >= this.size) {
        bits.fill(0);
      } else {
        // Clear the slots of the numbers that slide into the window unseen: highest+1 .. seq.
        for (let s = this.highest + 1; s <= seq; s++) this.clear(s);
      }
      this.highest = seq;
    }
    this.set(seq);
    return true;
  }

  private allocated(): Uint32Array {
    return (this.bits ??= new Uint32Array(this.size / 32));
  }

  private slot(seq: number): [number, number] {
    const i = seq % this.size;
    return [i >>> 5, 1 << (i & 31)];
  }
  private isSet(seq: number): boolean {
    if (this.bits === undefined) return false;
    const [word, mask] = this.slot(seq);
    return (this.bits[word] & mask) !== 0;
  }
  private set(seq: number): void {
    const [word, mask] = this.slot(seq);
    this.allocated()[word] |= mask;
  }
  private clear(seq: number): void {
    const [word, mask] = this.slot(seq);
    this.allocated()[word] &= ~mask;
  }
}
