/**
 * Byte-string helpers of PROTOCOL.md §1: big-endian integers, ASCII strings and
 * the context labels that prefix every signed or authenticated byte string.
 */

import { assertSafeUint, writeU64be } from './internal';

/** Context label of `signed` (PROTOCOL.md §2). */
export const LABEL_HANDSHAKE = 'DSS-SC1 handshake';
/** Context label of `aad_req` (PROTOCOL.md §3). */
export const LABEL_REQUEST = 'DSS-SC1 request';
/** Context label of `aad_res` (PROTOCOL.md §3). */
export const LABEL_RESPONSE = 'DSS-SC1 response';
/** HKDF `info` prefix (PROTOCOL.md §2). */
export const LABEL_KEYS = 'DSS-SC1 keys';

/**
 * `u64(n)`: 8 bytes, big-endian (PROTOCOL.md §1).
 *
 * @param n - a safe integer, `0 <= n <= 2^53 - 1`.
 * @throws RangeError when `n` is not a non-negative safe integer.
 */
export function u64be(n: number): Buffer {
  assertSafeUint(n, 'u64be: n');
  const out = Buffer.allocUnsafe(8);
  writeU64be(out, n, 0);
  return out;
}

/**
 * `u16(n)`: 2 bytes, big-endian (PROTOCOL.md §1).
 *
 * @throws RangeError when `n` is not an integer in `[0, 65535]`.
 */
export function u16be(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) {
    throw new RangeError('u16be: n must be an integer in [0, 65535]');
  }
  const out = Buffer.allocUnsafe(2);
  out.writeUInt16BE(n, 0);
  return out;
}

/**
 * ASCII bytes of `s`, no terminator (PROTOCOL.md §1).
 *
 * @throws TypeError when `s` is not a string, RangeError when it has a non-ASCII character.
 */
export function ascii(s: string): Buffer {
  if (typeof s !== 'string') {
    throw new TypeError('ascii: expected a string');
  }
  // eslint-disable-next-line no-control-regex -- the whole 7-bit range is allowed
  if (!/^[\x00-\x7f]*$/.test(s)) {
    throw new RangeError('ascii: string has a non-ASCII character');
  }
  return Buffer.from(s, 'latin1');
}
