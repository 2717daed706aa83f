import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { kekIdOf, MASTER_KEY_BYTES } from './master-key-ring';

/**
 * Wrapped-key blob (DESIGN.md §4), stored in `key_pairs.private_key_wrapped`:
 *
 *     version (1 byte, 0x01) || iv (12) || ciphertext || tag (16)
 *
 * AES-256-GCM under the master key, AAD = "dss-key-v1" || 0x00 || keyId || 0x00 || userId
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

function assertKek(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== MASTER_KEY_BYTES) {
    throw new TypeError(`key wrap: the master key must be a ${MASTER_KEY_BYTES}-byte Buffer`);
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
  kek: { id: string; key: Buffer },
  keyId: string,
  userId: number,
  pkcs8Der: Buffer,
): Buffer {
  assertKek(kek.key);
  if (kek.id !== kekIdOf(kek.key)) throw new TypeError('key wrap: kek.id does not name kek.key');
  assertKeyId(keyId);
  assertUserId(userId);
  if (!Buffer.isBuffer(pkcs8Der) || pkcs8Der.length === 0) {
    throw new TypeError('key wrap: pkcs8Der must be a non-empty Buffer');
  }
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(wrapAad(keyId, userId));
  const ciphertext = Buffer.concat([cipher.update(pkcs8Der), cipher.final()]);
  return Buffer.concat([Buffer.of(WRAP_FORMAT_VERSION), iv, ciphertext, cipher.getAuthTag()]);
}

/**
 * Unwraps a blob made by {@link wrapPrivateKey} and returns the PKCS#8 DER private key. The
 * caller should zero-fill the result once it has imported it.
 *
 * @throws KeyUnwrapError on an unknown version, a short blob, or a failed authentication tag.
 * @throws TypeError on a malformed argument.
 */
export function unwrapPrivateKey(kek: Buffer, keyId: string, userId: number, blob: Buffer): Buffer {
  assertKek(kek);
  assertKeyId(keyId);
  assertUserId(userId);
  if (!Buffer.isBuffer(blob)) throw new TypeError('key wrap: blob must be a Buffer');
  if (blob.length < 1 + IV_BYTES + 1 + TAG_BYTES) throw new KeyUnwrapError('length');
  if (blob[0] !== WRAP_FORMAT_VERSION) throw new KeyUnwrapError('version');
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const ciphertext = blob.subarray(1 + IV_BYTES, blob.length - TAG_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(wrapAad(keyId, userId));
  decipher.setAuthTag(tag);
  const head = decipher.update(ciphertext);
  let tail: Buffer;
  try {
    tail = decipher.final();
  } catch {
    head.fill(0); // unauthenticated plaintext: never let it escape
    throw new KeyUnwrapError('authentication');
  }
  const plaintext = Buffer.concat([head, tail]);
  head.fill(0);
  tail.fill(0);
  return plaintext;
}
