import { randomBytes } from 'node:crypto';
import { FileKek, isKek, type Kek } from './kek';

/**
 * Wrapped-key blob (DESIGN.md §4), stored in `key_pairs.private_key_wrapped`:
 *
 *     version (1 byte, 0x01) || iv (12) || ciphertext || tag (16)
 *
 * AES-256-GCM under the master key (in this process for a file key, inside the token for a
 * PKCS#11 key: the blob is the same either way), AAD = "dss-key-v1" || 0x00 || keyId || 0x00 || userId
 * (decimal ASCII). Binding the key id and the user id into the AAD means a blob copied onto
 * another row or another user fails authentication instead of signing for the wrong person.
 */
export const WRAP_FORMAT_VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_LABEL = 'dss-key-v1';
/** Key ids are UUIDs; any printable ASCII without NUL keeps the AAD unambiguous. */
const KEY_ID = /^[\x21-\x7e]{1,64}$/;

/** Why a wrapped key could not be unwrapped. */
export type KeyUnwrapFailure = 'version' | 'length' | 'authentication';

/**
 * A wrapped private key did not unwrap: unknown format version, a blob too short to hold one,
 * or a failed GCM tag (wrong master key, or a blob copied from another key id or user).
 */
export class KeyUnwrapError extends Error {
  constructor(readonly reason: KeyUnwrapFailure) {
    super(
      reason === 'version'
        ? 'wrapped key: unknown format version'
        : reason === 'length'
          ? 'wrapped key: blob too short'
          : 'wrapped key: authentication failed (wrong master key, key id or user)',
    );
    this.name = 'KeyUnwrapError';
  }
}

function assertKeyId(keyId: string): void {
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) {
    throw new TypeError('key wrap: keyId must be 1-64 printable ASCII characters');
  }
}

function assertUserId(userId: number): void {
  if (!Number.isSafeInteger(userId) || userId < 0) {
    throw new TypeError('key wrap: userId must be a non-negative safe integer');
  }
}

/** AAD = ascii("dss-key-v1") || 0x00 || ascii(keyId) || 0x00 || ascii(decimal userId). */
function wrapAad(keyId: string, userId: number): Buffer {
  return Buffer.from(`${AAD_LABEL}\0${keyId}\0${userId}`, 'ascii');
}

/**
 * Wraps a PKCS#8 DER private key under the current master key (AES-256-GCM, random 96-bit IV),
 * bound to `keyId` and `userId`. Store `kek.id` beside the blob (`key_pairs.kek_id`).
 *
 * @throws TypeError on a malformed argument, or when `kek.id` is not the id of `kek.key`.
 */
export function wrapPrivateKey(
  kek: Kek | { id: string; key: Buffer },
  keyId: string,
  userId: number,
  pkcs8Der: Buffer,
): Buffer {
  const sealer = asKek(kek);
  if (kek.id !== sealer.id) throw new TypeError('key wrap: kek.id does not name kek.key');
  assertKeyId(keyId);
  assertUserId(userId);
  if (!Buffer.isBuffer(pkcs8Der) || pkcs8Der.length === 0) {
    throw new TypeError('key wrap: pkcs8Der must be a non-empty Buffer');
  }
  const iv = randomBytes(IV_BYTES);
  const sealed = sealer.seal(iv, wrapAad(keyId, userId), pkcs8Der);
  return Buffer.concat([Buffer.of(WRAP_FORMAT_VERSION), iv, sealed]);
}

function asKek(kek: Kek | Buffer | { id: string; key: Buffer }): Kek {
  if (isKek(kek)) return kek;
  const key = Buffer.isBuffer(kek) ? kek : kek.key;
  try {
    return new FileKek(key);
  } catch {
    throw new TypeError('key wrap: the master key must be a 32-byte Buffer');
  }
}

/**
 * Unwraps a blob made by {@link wrapPrivateKey} and returns the PKCS#8 DER private key. The
 * caller should zero-fill the result once it has imported it.
 *
 * @throws KeyUnwrapError on an unknown version, a short blob, or a failed authentication tag.
 * @throws TypeError on a malformed argument.
 */
export function unwrapPrivateKey(
  kek: Kek | Buffer,
  keyId: string,
  userId: number,
  blob: Buffer,
): Buffer {
  const opener = asKek(kek);
  assertKeyId(keyId);
  assertUserId(userId);
  if (!Buffer.isBuffer(blob)) throw new TypeError('key wrap: blob must be a Buffer');
  if (blob.length < 1 + IV_BYTES + 1 + TAG_BYTES) throw new KeyUnwrapError('length');
  if (blob[0] !== WRAP_FORMAT_VERSION) throw new KeyUnwrapError('version');
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const plaintext = opener.open(iv, wrapAad(keyId, userId), blob.subarray(1 + IV_BYTES));
  if (plaintext === undefined) throw new KeyUnwrapError('authentication');
  return plaintext;
}
