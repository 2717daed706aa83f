import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';

/** Length of a master key (KEK) in bytes: an AES-256 key. */
export const MASTER_KEY_BYTES = 32;

/** Length of a subkey from {@link Kek.deriveSubkey}. */
export const SUBKEY_BYTES = 32;

const KEK_ID_LABEL = Buffer.from('dss-kek-id', 'ascii');
/** Prefix of every {@link Kek.deriveSubkey} info / context string: keeps it apart from other uses. */
export const SUBKEY_CONTEXT = 'dss-subkey';
const TAG_BYTES = 16;

/**
 * A master key (KEK): AES-256-GCM over users' private keys, either as bytes in this process
 * ({@link FileKek}) or inside a PKCS#11 token that never lets it out (`Pkcs11Kek`).
 *
 * `id` is the key's check value: it is computed from the key itself (never chosen), so a
 * stored id that no loaded key reproduces means a wrong or missing master key.
 */
export interface Kek {
  readonly id: string;
  readonly kind: 'file' | 'pkcs11';
  /** AES-256-GCM (NIST SP 800-38D) with a 96-bit IV: returns ciphertext || 128-bit tag. */
  seal(iv: Buffer, aad: Buffer, plaintext: Buffer): Buffer;
  /** The inverse of {@link Kek.seal}; undefined when the tag does not authenticate. */
  open(iv: Buffer, aad: Buffer, sealed: Buffer): Buffer | undefined;
  /**
   * A 32-byte key for another purpose (e.g. sealing session secrets in Redis), derived from
   * this KEK and `label`: the same on every instance that holds this KEK, different for each
   * label, and telling nothing about the KEK or about another label's subkey.
   */
  deriveSubkey(label: string): Buffer;
  /** Releases what the key holds (a token session); the key is unusable afterwards. */
  close(): void;
}

/**
 * The identifier of a file key, stored beside every wrapped key (`key_pairs.kek_id`): the
 * first 16 hex characters of SHA-256("dss-kek-id" || key). It names the key without revealing
 * it, and is its key check value.
 */
export function kekIdOf(key: Buffer): string {
  assertKey32(key);
  return createHash('sha256').update(KEK_ID_LABEL).update(key).digest('hex').slice(0, 16);
}

export function assertKey32(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== MASTER_KEY_BYTES) {
    throw new TypeError(`master key: expected a ${MASTER_KEY_BYTES}-byte Buffer`);
  }
}

export function assertSubkeyLabel(label: string): void {
  if (typeof label !== 'string' || !/^[\x20-\x7e]{1,128}$/.test(label)) {
    throw new TypeError(
      'deriveSubkey: the label must be 1-128 printable ASCII characters (spaces allowed)',
    );
  }
}

/** A master key held as bytes (from `DSS_MASTER_KEY` or a key ring file). */
export class FileKek implements Kek {
  readonly kind = 'file' as const;
  readonly id: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    assertKey32(key);
    this.#key = key;
    this.id = kekIdOf(key);
  }

  /** The key bytes. Do not modify or log them. */
  get key(): Buffer {
    return this.#key;
  }

  seal(iv: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  open(iv: Buffer, aad: Buffer, sealed: Buffer): Buffer | undefined {
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const head = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    let tail: Buffer;
    try {
      tail = decipher.final();
    } catch {
      head.fill(0); // unauthenticated plaintext: never let it escape
      return undefined;
    }
    const plaintext = Buffer.concat([head, tail]);
    head.fill(0);
    return plaintext;
  }

  /** HKDF-SHA256 (RFC 5869) over the key, no salt, info = "dss-subkey" || 0x00 || label. */
  deriveSubkey(label: string): Buffer {
    assertSubkeyLabel(label);
    const info = Buffer.from(`${SUBKEY_CONTEXT}\0${label}`, 'ascii');
    return Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), info, SUBKEY_BYTES));
  }

  close(): void {
    // Bytes stay until the ring drops them; other holders may still use the Buffer.
  }

  toString(): string {
    return `FileKek { id: ${this.id} }`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  toJSON(): { kind: string; id: string } {
    return { kind: this.kind, id: this.id };
  }
}

/** Shared by both kinds: true when `x` is a {@link Kek} rather than a raw key. */
export function isKek(x: unknown): x is Kek {
  return typeof x === 'object' && x !== null && typeof (x as Kek).seal === 'function';
}
