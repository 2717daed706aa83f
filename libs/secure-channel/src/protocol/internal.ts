/**
 * Assertion helpers shared by the protocol modules. Not part of the public API
 * (not re-exported from `index.ts`).
 * @internal
 */

const TWO_POW_32 = 0x1_0000_0000;

/**
 * Writes `u64(n)` at `offset` without allocating. `n` must already be checked.
 */
export function writeU64be(out: Buffer, n: number, offset: number): void {
  out.writeUInt32BE(Math.floor(n / TWO_POW_32), offset);
  out.writeUInt32BE(n >>> 0, offset + 4);
}

export function assertSafeUint(n: unknown, name: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer`);
  }
}

/**
 * Asserts that `value` is a byte array (of exactly `length` bytes when given).
 * Used for inputs supplied by the caller, not by the wire: a failure here is a
 * programming error, hence TypeError / RangeError rather than a ChannelError.
 */
export function assertBytes(
  value: unknown,
  name: string,
  length?: number,
): asserts value is Buffer {
  if (!Buffer.isBuffer(value)) {
    throw new TypeError(`${name} must be a Buffer`);
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/**
 * True when `value` is a plain JSON object (not null, not an array, not a class
 * instance), as produced by `JSON.parse` for `{...}`.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Returns the first own key of `obj` that is not in `allowed`, if any.
 */
export function firstUnknownKey(
  obj: Record<string, unknown>,
  allowed: readonly string[],
): string | undefined {
  return Object.keys(obj).find((k) => !allowed.includes(k));
}
