/**
 * Strict base64url without padding (PROTOCOL.md §1, RFC 4648 §5).
 *
 * Node's decoder is lenient (it skips unknown characters, accepts padding and
 * ignores non-zero trailing bits), so a wire field is checked first: only the
 * base64url alphabet, no `=`, and canonical — the string is exactly what
 * {@link b64uEncode} produces for the decoded bytes. Canonical encoding keeps one
 * value to one wire string, so nothing downstream can be fooled by aliases.
 */

import { ChannelError, ChannelErrorCode } from './errors';

const B64U_ALPHABET = /^[A-Za-z0-9_-]*$/;
const B64U_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Encodes bytes as base64url without padding.
 *
 * @param bytes - any byte array (a `Buffer` is encoded without a copy).
 */
export function b64uEncode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('b64uEncode: expected a Uint8Array');
  }
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.toString('base64url');
}

/**
 * Decodes a base64url wire field strictly.
 *
 * @param s - the field's value as received (anything: it is checked here).
 * @param field - the field name, used in error messages.
 * @param expectedLength - when given, the exact decoded length required.
 * @returns the decoded bytes.
 * @throws ChannelError `bad_envelope` (message starts with `field`) when `s` is not
 *   a string, uses a character outside `[A-Za-z0-9_-]` (including `=` padding), is
 *   not canonical, or decodes to the wrong length.
 */
export function b64uDecode(s: unknown, field: string, expectedLength?: number): Buffer {
  if (typeof s !== 'string') {
    throw bad(field, 'must be a base64url string');
  }
  if (!B64U_ALPHABET.test(s)) {
    throw bad(field, 'is not base64url without padding');
  }
  const rem = s.length % 4;
  if (rem === 1) {
    throw bad(field, 'has an impossible base64url length');
  }
  // The last character of a 2- or 3-character group carries 4 or 2 unused bits,
  // which a canonical encoder sets to zero.
  if (rem !== 0) {
    const last = B64U_CHARS.indexOf(s[s.length - 1]);
    const unusedMask = rem === 2 ? 0x0f : 0x03;
    if ((last & unusedMask) !== 0) {
      throw bad(field, 'is not canonical base64url (non-zero trailing bits)');
    }
  }
  const out = Buffer.from(s, 'base64url');
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw bad(field, `must decode to ${expectedLength} bytes, got ${out.length}`);
  }
  return out;
}

function bad(field: string, why: string): ChannelError {
  return new ChannelError(ChannelErrorCode.BadEnvelope, `${field}: ${why}`);
}
