import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { DomainError, ErrorCode } from '@dss/common';
import * as pkcs11js from 'pkcs11js';
import { assertSubkeyLabel, type Kek, SUBKEY_BYTES, SUBKEY_CONTEXT } from './kek';

/** Where the master key lives in a PKCS#11 token (the `DSS_KEK_PKCS11_*` variables). */
export interface Pkcs11KekConfig {
  /** Path of the PKCS#11 module (`.so`), e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  /** The slot id; or `tokenLabel`. */
  slot?: number;
  tokenLabel?: string;
  /** The user PIN, or `pinFile` holding it. */
  pin?: string;
  pinFile?: string;
  /** CKA_LABEL of the AES-256 key. */
  keyLabel: string;
}

/** Default `DSS_KEK_PKCS11_KEY_LABEL`. */
export const DEFAULT_PKCS11_KEY_LABEL = 'dss-kek';

const KEK_ID_LABEL = 'dss-kek-id-pkcs11';
/** The message whose AES-CMAC inside the token is the key check value. */
const CHECK_MESSAGE = Buffer.from('dss-kek-check', 'ascii');
const TAG_BITS = 128;

/** Return values that mean the GCM tag (or the blob) is wrong, not the token. */
const AUTH_FAILURES = new Set<number>([
  pkcs11js.CKR_ENCRYPTED_DATA_INVALID,
  pkcs11js.CKR_ENCRYPTED_DATA_LEN_RANGE,
  // SoftHSM2 reports a failed GCM tag as a general error.
  pkcs11js.CKR_GENERAL_ERROR,
]);

/** Return values after which a new session (and login) may help. */
const SESSION_LOST = new Set<number>([
  pkcs11js.CKR_SESSION_HANDLE_INVALID,
  pkcs11js.CKR_SESSION_CLOSED,
  pkcs11js.CKR_USER_NOT_LOGGED_IN,
  pkcs11js.CKR_OBJECT_HANDLE_INVALID,
  pkcs11js.CKR_KEY_HANDLE_INVALID,
]);

function rvOf(err: unknown): number | undefined {
  return err instanceof pkcs11js.Pkcs11Error ? err.code : undefined;
}

function rvName(err: unknown): string {
  if (err instanceof pkcs11js.Pkcs11Error) return err.message.split(':')[0].trim();
  return err instanceof Error ? err.message : String(err);
}

/** The token cannot be used at start (module, slot, PIN, key): the start stops. */
function unavailable(message: string): DomainError {
  return new DomainError(ErrorCode.HsmUnavailable, `PKCS#11 master key: ${message}`);
}

/**
 * The token failed while serving: a plain `503 unavailable` for the request (the wire codes
 * of PROTOCOL.md), the reason in the message.
 */
function unavailableNow(message: string): DomainError {
  return new DomainError(ErrorCode.Unavailable, `the master key token is unavailable: ${message}`);
}

/** One loaded module per path per process: C_Initialize may be called only once. */
const modules = new Map<string, { lib: pkcs11js.PKCS11; users: number }>();

function acquireModule(path: string): pkcs11js.PKCS11 {
  const known = modules.get(path);
  if (known !== undefined) {
    known.users += 1;
    return known.lib;
  }
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(path);
  } catch {
    throw unavailable(`cannot load the module ${path} (DSS_KEK_PKCS11_MODULE)`);
  }
  try {
    lib.C_Initialize();
  } catch (err) {
    if (rvOf(err) !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw unavailable(`the module ${path} did not initialise (${rvName(err)})`);
    }
  }
  modules.set(path, { lib, users: 1 });
  return lib;
}

function releaseModule(path: string): void {
  const known = modules.get(path);
  if (known === undefined) return;
  known.users -= 1;
  if (known.users > 0) return;
  modules.delete(path);
  try {
    known.lib.C_Finalize();
  } catch {
    // Already finalised or the token is gone: nothing left to release.
  }
}

function slotNumber(handle: Buffer): bigint {
  return handle.length >= 8 ? handle.readBigUInt64LE(0) : BigInt(handle.readUInt32LE(0));
}

function pinOf(config: Pkcs11KekConfig): string {
  if (config.pin !== undefined) return config.pin;
  if (config.pinFile === undefined) throw unavailable('no PIN (DSS_KEK_PKCS11_PIN or _PIN_FILE)');
  try {
    return readFileSync(config.pinFile, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw unavailable(`cannot read the PIN file ${config.pinFile} (${code})`);
  }
}

/** Options of {@link Pkcs11Kek.open}. */
export interface Pkcs11OpenOptions {
  /**
   * Generate the key in the token when no key has the label (`dss-admin master-key rotate
   * --to pkcs11` only; a service start never creates one).
   */
  create?: boolean;
}

/**
 * A master key inside a PKCS#11 token: an AES-256 secret key object (CKA_SENSITIVE,
 * not CKA_EXTRACTABLE), found by its label. Wrapping and unwrapping users' keys are
 * CKM_AES_GCM operations inside the token with the blob format of DESIGN.md §4, so a wrapped
 * key does not say where its KEK lives; only its `kek_id` does.
 *
 * One session per key, used synchronously (pkcs11js calls block), so two operations never
 * interleave on it. Unwrapped users' keys are cached by the keystore: the token is called
 * only on a cache miss and when a key is created.
 */
export class Pkcs11Kek implements Kek {
  readonly kind = 'pkcs11' as const;
  /** The key check value: SHA-256("dss-kek-id-pkcs11" || AES-CMAC_K("dss-kek-check")), 16 hex. */
  readonly id: string;
  readonly #lib: pkcs11js.PKCS11;
  readonly #config: Pkcs11KekConfig;
  readonly #slot: Buffer;
  readonly #pin: string;
  #session: Buffer;
  #key: Buffer;
  #closed = false;
  /** True when {@link Pkcs11Kek.open} generated the key. */
  readonly created: boolean;

  private constructor(
    lib: pkcs11js.PKCS11,
    config: Pkcs11KekConfig,
    slot: Buffer,
    pin: string,
    create: boolean,
  ) {
    this.#lib = lib;
    this.#config = config;
    this.#slot = slot;
    this.#pin = pin;
    this.#session = this.login();
    const found = this.findKey(this.#session);
    if (found === undefined && !create) {
      lib.C_CloseSession(this.#session);
      throw unavailable(
        `no AES key labelled "${config.keyLabel}" in the token; create it with ` +
          '`dss-admin master-key rotate --to pkcs11`',
      );
    }
    this.created = found === undefined;
    this.#key = found ?? this.generate();
    let check: Buffer;
    try {
      check = this.cmac(CHECK_MESSAGE);
    } catch (err) {
      lib.C_CloseSession(this.#session);
      throw unavailable(
        `the key "${config.keyLabel}" cannot compute its check value with CKM_AES_CMAC ` +
          `(${rvName(err)}); it needs CKA_SIGN`,
      );
    }
    this.id = createHash('sha256').update(KEK_ID_LABEL).update(check).digest('hex').slice(0, 16);
  }

  /**
   * Loads the module, finds the token, logs in and finds the key. Throws a one-line
   * `hsm_unavailable` {@link DomainError} naming what failed (never the PIN).
   */
  static open(config: Pkcs11KekConfig, options: Pkcs11OpenOptions = {}): Pkcs11Kek {
    const pin = pinOf(config);
    const lib = acquireModule(config.module);
    try {
      const slot = Pkcs11Kek.findSlot(lib, config);
      return new Pkcs11Kek(lib, config, slot, pin, options.create === true);
    } catch (err) {
      releaseModule(config.module);
      if (err instanceof DomainError) throw err;
      throw unavailable(rvName(err));
    }
  }

  private static findSlot(lib: pkcs11js.PKCS11, config: Pkcs11KekConfig): Buffer {
    const slots = lib.C_GetSlotList(true);
    if (config.slot !== undefined) {
      const slot = slots.find((s) => slotNumber(s) === BigInt(config.slot!));
      if (slot === undefined) throw unavailable(`no token in slot ${config.slot}`);
      return slot;
    }
    const label = config.tokenLabel ?? '';
    const slot = slots.find((s) => lib.C_GetTokenInfo(s).label.trim() === label);
    if (slot === undefined) throw unavailable(`no token labelled "${label}"`);
    return slot;
  }

  private login(): Buffer {
    const session = this.#lib.C_OpenSession(
      this.#slot,
      pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION,
    );
    try {
      this.#lib.C_Login(session, pkcs11js.CKU_USER, this.#pin);
    } catch (err) {
      const rv = rvOf(err);
      if (rv === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) return session;
      this.#lib.C_CloseSession(session);
      if (rv === pkcs11js.CKR_PIN_INCORRECT || rv === pkcs11js.CKR_PIN_LEN_RANGE) {
        throw unavailable('the token rejected the PIN (DSS_KEK_PKCS11_PIN / _PIN_FILE)');
      }
      if (rv === pkcs11js.CKR_PIN_LOCKED) throw unavailable('the token PIN is locked');
      throw unavailable(`login failed (${rvName(err)})`);
    }
    return session;
  }

  private findKey(session: Buffer): Buffer | undefined {
    this.#lib.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_LABEL, value: this.#config.keyLabel },
    ]);
    let found: Buffer[];
    try {
      found = this.#lib.C_FindObjects(session, 2);
    } finally {
      this.#lib.C_FindObjectsFinal(session);
    }
    if (found.length > 1) {
      throw unavailable(`more than one AES key is labelled "${this.#config.keyLabel}"`);
    }
    return found[0];
  }

  /** A token object, AES-256, that can encrypt, decrypt and CMAC but never leaves the token. */
  private generate(): Buffer {
    return this.#lib.C_GenerateKey(this.#session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
      { type: pkcs11js.CKA_LABEL, value: this.#config.keyLabel },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_ENCRYPT, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
      { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_VERIFY, value: true },
      { type: pkcs11js.CKA_WRAP, value: false },
    ]);
  }

  /**
   * Runs one token operation; when the session was lost (token re-inserted, module
   * restarted), opens a new one, logs in again and retries once.
   */
  private call<T>(op: (session: Buffer, key: Buffer) => T): T {
    if (this.#closed) throw unavailableNow('the key was closed');
    try {
      return op(this.#session, this.#key);
    } catch (err) {
      const rv = rvOf(err);
      if (rv === undefined || !SESSION_LOST.has(rv)) throw err;
    }
    try {
      this.#session = this.login();
      const key = this.findKey(this.#session);
      if (key === undefined) throw unavailableNow(`the key "${this.#config.keyLabel}" is gone`);
      this.#key = key;
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.Unavailable) throw err;
      throw unavailableNow(err instanceof Error ? err.message : rvName(err));
    }
    return op(this.#session, this.#key);
  }

  private gcm(iv: Buffer, aad: Buffer): pkcs11js.Mechanism {
    return {
      mechanism: pkcs11js.CKM_AES_GCM,
      parameter: {
        type: pkcs11js.CK_PARAMS_AES_GCM,
        iv,
        aad,
        ivBits: iv.length * 8,
        tagBits: TAG_BITS,
      } as pkcs11js.AesGCM,
    };
  }

  private cmac(data: Buffer): Buffer {
    return this.call((session, key) => {
      this.#lib.C_SignInit(session, { mechanism: pkcs11js.CKM_AES_CMAC }, key);
      return Buffer.from(this.#lib.C_Sign(session, data, Buffer.alloc(16)));
    });
  }

  seal(iv: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
    try {
      return this.call((session, key) => {
        this.#lib.C_EncryptInit(session, this.gcm(iv, aad), key);
        return Buffer.from(
          this.#lib.C_Encrypt(session, plaintext, Buffer.alloc(plaintext.length + TAG_BITS / 8)),
        );
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw unavailableNow(`wrapping failed (${rvName(err)})`);
    }
  }

  open(iv: Buffer, aad: Buffer, sealed: Buffer): Buffer | undefined {
    try {
      return this.call((session, key) => {
        this.#lib.C_DecryptInit(session, this.gcm(iv, aad), key);
        const out = Buffer.alloc(sealed.length);
        const plain = this.#lib.C_Decrypt(session, sealed, out);
        const copy = Buffer.from(plain);
        out.fill(0);
        return copy;
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      const rv = rvOf(err);
      if (rv !== undefined && AUTH_FAILURES.has(rv)) return undefined;
      throw unavailableNow(`unwrapping failed (${rvName(err)})`);
    }
  }

  /**
   * NIST SP 800-108 KDF in counter mode with AES-CMAC inside the token as the PRF:
   * K(i) = CMAC(KEK, [i]_32 || "dss-subkey" || 0x00 || label || 0x00 || [256]_32), i = 1, 2.
   */
  deriveSubkey(label: string): Buffer {
    assertSubkeyLabel(label);
    const fixed = Buffer.concat([
      Buffer.from(`${SUBKEY_CONTEXT}\0${label}\0`, 'ascii'),
      Buffer.from([0, 0, (SUBKEY_BYTES * 8) >> 8, (SUBKEY_BYTES * 8) & 0xff]),
    ]);
    const blocks: Buffer[] = [];
    for (let i = 1; i * 16 <= SUBKEY_BYTES; i++) {
      blocks.push(this.cmac(Buffer.concat([Buffer.from([0, 0, 0, i]), fixed])));
    }
    return Buffer.concat(blocks);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#lib.C_CloseSession(this.#session);
    } catch {
      // The session is already gone.
    }
    releaseModule(this.#config.module);
  }

  toString(): string {
    return `Pkcs11Kek { id: ${this.id}, label: ${this.#config.keyLabel} }`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  toJSON(): { kind: string; id: string; keyLabel: string } {
    return { kind: this.kind, id: this.id, keyLabel: this.#config.keyLabel };
  }
}
