import { randomBytes } from 'node:crypto';

/**
 * Crockford's base32 alphabet: digits and upper-case letters without I, L, O and U, so a
 * password read aloud or copied by hand has no look-alike characters.
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Characters of a temporary password, without separators. */
export const TEMPORARY_PASSWORD_CHARS = 26;

/** Entropy of a temporary password: 5 bits per character. */
export const TEMPORARY_PASSWORD_BITS = TEMPORARY_PASSWORD_CHARS * 5;

/** Group lengths, joined by '-': `XXXX-XXXX-XXXX-XXXX-XXXXX-XXXXX`. */
const GROUPS = [4, 4, 4, 4, 5, 5] as const;

/** Random bytes needed for 26 × 5 bits (130 of the 136 bits are used). */
const RANDOM_BYTES = Math.ceil(TEMPORARY_PASSWORD_BITS / 8);

/** The shape {@link generateTemporaryPassword} produces. */
export const TEMPORARY_PASSWORD_PATTERN =
  /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

function group(chars: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const length of GROUPS) {
    parts.push(chars.slice(at, at + length));
    at += length;
  }
  return parts.join('-');
}

/**
 * A one-time password for a new or reset account (DESIGN.md §5): 130 bits from the CSPRNG,
 * written as 26 Crockford base32 characters in groups, e.g. `7K2M-Q9XD-…`.
 *
 * The original report issued `<username>tempXXXX` with four random digits: anyone who knows the
 * username (it is the account name) has to try at most 10^4 passwords, a few minutes of online
 * guessing even with a lockout, and far less against a leaked hash. 130 random bits cannot be
 * guessed online or offline. Each character takes exactly 5 bits of the random stream, so every
 * character is uniform (no modulo bias, no rejection loop).
 *
 * @param random source of random bytes; tests may inject one, production uses `randomBytes`.
 */
export function generateTemporaryPassword(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(RANDOM_BYTES);
  if (!Buffer.isBuffer(bytes) || bytes.length !== RANDOM_BYTES) {
    throw new Error(`temporary password: expected ${RANDOM_BYTES} random bytes`);
  }
  let chars = '';
  for (let i = 0; i < TEMPORARY_PASSWORD_CHARS; i++) {
    // The 5 bits starting at bit 5·i of the stream, most significant bit first.
    const bit = i * 5;
    const byte = bit >> 3;
    const pair = (bytes[byte] << 8) | (bytes[byte + 1] ?? 0);
    chars += CROCKFORD_ALPHABET[(pair >> (11 - (bit & 7))) & 0x1f];
  }
  return group(chars);
}

/**
 * The canonical form of a temporary password as a person may type it: case, spaces and dashes
 * ignored, and Crockford's look-alikes read as digits (O → 0, I and L → 1). Returns undefined when
 * `input` cannot be a temporary password, so the caller uses it as typed.
 */
export function canonicalizeTemporaryPassword(input: string): string | undefined {
  if (typeof input !== 'string' || input.length > 64) return undefined;
  const chars = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (chars.length !== TEMPORARY_PASSWORD_CHARS) return undefined;
  for (const c of chars) if (!CROCKFORD_ALPHABET.includes(c)) return undefined;
  return group(chars);
}
