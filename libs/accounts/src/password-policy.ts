import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError, ErrorCode } from '@dss/common';
import { EXTRA_COMMON_PASSWORDS } from './data/extra-common-passwords';
import { canonicalizeTemporaryPassword } from './temporary-password';

/** Shortest accepted password, in Unicode code points (DESIGN.md §5). */
export const MIN_PASSWORD_CHARS = 12;
/** Longest accepted password, in Unicode code points. */
export const MAX_PASSWORD_CHARS = 128;

/** Shortest base word (see {@link checkPasswordPolicy}) looked up in the common list. */
const MIN_BASE_CHARS = 4;

/**
 * Straight sequences: a password that is a run of one of these (forwards or backwards, wrapping
 * around) over its whole length is rejected. Keyboard rows are joined in typing order, so
 * `qwertyuiopas` counts as one run.
 */
const SEQUENCES = [
  '0123456789',
  '1234567890',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/',
  '!@#$%^&*()',
];

/** Context for the rules that compare the new password with what the user already had. */
export interface PasswordPolicyContext {
  /** The account's username (any case). */
  username: string;
  /** The password being replaced. */
  currentPassword?: string;
  /** The temporary password issued at registration or reset, while it is still in use. */
  temporaryPassword?: string;
}

let commonPasswords: Set<string> | undefined;

/**
 * The common-password set: `@zxcvbn-ts/language-common`'s `passwords-common` (~49k entries, MIT)
 * plus the project's {@link EXTRA_COMMON_PASSWORDS} (compiled in, so no build can ship without
 * them), lower case. Built once, on first use.
 */
export function commonPasswordSet(): ReadonlySet<string> {
  if (commonPasswords === undefined) {
    const set = new Set<string>();
    for (const word of dictionary['passwords-common']) set.add(String(word).toLowerCase());
    for (const word of EXTRA_COMMON_PASSWORDS) set.add(word.toLowerCase());
    commonPasswords = set;
  }
  return commonPasswords;
}

/** A lone (unpaired) UTF-16 surrogate: not text, and UTF-8 would turn it into U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/u;
/** C0 and C1 control characters (tab and newline included): no one types them in a password. */
const CONTROL = /\p{Cc}/u;
/** Characters that show nothing: default-ignorable code points (zero-width spaces, joiners…). */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
const INVISIBLE_G = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The form of a password that is hashed and compared (NIST SP 800-63B §5.1.1.2): Unicode NFKC,
 * so that the same password typed on two keyboards (composed or decomposed accents, full-width
 * forms) is one password. Undefined for a string that is not well-formed UTF-16 (a lone
 * surrogate), which no password can be.
 */
export function normalizePassword(password: string): string | undefined {
  if (typeof password !== 'string' || LONE_SURROGATE.test(password)) return undefined;
  return password.normalize('NFKC');
}

function weak(reason: string): DomainError {
  return new DomainError(ErrorCode.WeakPassword, reason);
}

/** The word inside decorations: leading and trailing digits, symbols and spaces removed. */
function baseWord(lower: string): string {
  return lower.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
}

/** True when the whole of `s` is one unit repeated at least twice (`aaaa`, `abcabc`). */
function isRepeatedUnit(s: string): boolean {
  return /^(.+?)\1+$/su.test(s);
}

/** True when `chars` is a contiguous run of a sequence, forwards or backwards, wrapping. */
function isSequence(chars: readonly string[]): boolean {
  const s = chars.join('');
  return SEQUENCES.some((sequence) => {
    const row = [...sequence];
    const cycles = Math.ceil(chars.length / row.length) + 1;
    const forwards = row.join('').repeat(cycles);
    const backwards = [...row].reverse().join('').repeat(cycles);
    return forwards.includes(s) || backwards.includes(s);
  });
}

function isUsernameVariant(lower: string, username: string): boolean {
  if (username === '') return false;
  return (
    lower === username || (lower.startsWith(username) && /^\d+$/.test(lower.slice(username.length)))
  );
}

function sameTemporaryPassword(password: string, temporary: string): boolean {
  if (password === temporary) return true;
  const a = canonicalizeTemporaryPassword(password);
  return a !== undefined && a === canonicalizeTemporaryPassword(temporary);
}

/**
 * Checks a new password against the policy (DESIGN.md §5) and throws
 * `DomainError(weak_password, <reason>)` for the first rule it breaks:
 *
 * - well-formed Unicode text: no lone surrogate, no control character, no invisible character
 *   (zero-width space, joiner…) at the start or the end;
 * - 12 to 128 characters, counted as Unicode code points after NFKC normalization, invisible
 *   characters not counted towards the minimum;
 * - not the temporary or the current password;
 * - not the username, in any case, nor the username followed by digits;
 * - not a common password: neither the lower-case password nor its base word (leading and
 *   trailing digits and symbols removed, e.g. `Password123456!` → `password`, when at least 4
 *   characters) is on the list, and the base word is not the username;
 * - not one unit repeated (`aaaaaaaaaaaa`, `abcabcabcabc`) nor a straight keyboard, alphabet or
 *   number sequence over its whole length (`123456789012`, `abcdefghijkl`, `qwertyuiopas`).
 *
 * Reasons name the rule, never the password.
 */
export function checkPasswordPolicy(password: string, context: PasswordPolicyContext): void {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  if (typeof context?.username !== 'string')
    throw new TypeError('context.username must be a string');
  const normalized = normalizePassword(password);
  if (normalized === undefined) {
    throw weak('password must be valid Unicode text (it contains a lone surrogate)');
  }
  if (CONTROL.test(normalized)) {
    throw weak('password must not contain control characters (such as tab or newline)');
  }
  const chars = [...normalized];
  if (chars.length > 0 && (INVISIBLE.test(chars[0]) || INVISIBLE.test(chars[chars.length - 1]))) {
    throw weak('password must not begin or end with an invisible character');
  }
  if (chars.length < MIN_PASSWORD_CHARS) {
    throw weak(`password must be at least ${MIN_PASSWORD_CHARS} characters`);
  }
  if ([...normalized.replace(INVISIBLE_G, '')].length < MIN_PASSWORD_CHARS) {
    throw weak(
      `password must be at least ${MIN_PASSWORD_CHARS} visible characters (zero-width and other invisible characters do not count)`,
    );
  }
  if (chars.length > MAX_PASSWORD_CHARS) {
    throw weak(`password must be at most ${MAX_PASSWORD_CHARS} characters`);
  }
  const { temporaryPassword, currentPassword } = context;
  if (
    temporaryPassword !== undefined &&
    sameTemporaryPassword(normalized, temporaryPassword.normalize('NFKC'))
  ) {
    throw weak('password must differ from the temporary password');
  }
  if (currentPassword !== undefined && normalized === currentPassword.normalize('NFKC')) {
    throw weak('password must differ from the current password');
  }
  const lower = normalized.toLowerCase();
  const username = context.username.trim().toLowerCase();
  const base = baseWord(lower);
  if (isUsernameVariant(lower, username) || (username !== '' && base === username)) {
    throw weak('password must not be the username');
  }
  const common = commonPasswordSet();
  if (common.has(lower) || ([...base].length >= MIN_BASE_CHARS && common.has(base))) {
    throw weak('password is too common');
  }
  if (isRepeatedUnit(lower)) {
    throw weak('password must not be one character or group repeated');
  }
  if (isSequence([...lower])) {
    throw weak('password must not be a keyboard, alphabet or number sequence');
  }
}
