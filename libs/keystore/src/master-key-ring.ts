import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  type Stats,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { type DssConfig, isKey32 } from '@dss/config';
import { writeFileAtomic } from '@dss/common';
import { FileKek, type Kek, kekIdOf, MASTER_KEY_BYTES } from './kek';
import { Pkcs11Kek } from './pkcs11-kek';
import {
  loadOrCreateSecret,
  MAY_CREATE_SECRETS,
  type SecretCreation,
  writeSecretFile,
} from '@dss/common';

/** File name of the generated master key ring inside the data directory (DESIGN.md §4). */
export const DEFAULT_MASTER_KEY_FILE_NAME = 'master.key';

const KEY_FORMAT = '32 bytes as 64 hex characters or base64';

/** Written at the top of a ring file we create or rotate; comment lines are ignored on read. */
const FILE_HEADER = [
  '# DSS master key ring (DESIGN.md §4). One 32-byte key per line, hex or base64.',
  '# The first key wraps new keys; the others only unwrap. Keep this file secret and backed up.',
];

/** Decodes one key written as 64 hex characters or base64 / base64url of 32 bytes. */
function decodeKey(text: string): Buffer | undefined {
  if (!isKey32(text)) return undefined;
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/** The key lines of a ring file: blank lines and `#` comments skipped, 1-based line numbers. */
function keyLines(text: string): { line: number; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
}

/** Parses a ring file; errors name the file and line, never the line's content. */
function parseRingFile(text: string, path: string): Buffer[] {
  const keys = keyLines(text).map(({ line, text: value }) => {
    const key = decodeKey(value);
    if (key === undefined) {
      throw new Error(`master key file ${path}: line ${line} is not ${KEY_FORMAT}`);
    }
    return key;
  });
  if (keys.length === 0) throw new Error(`master key file ${path}: contains no key`);
  return keys;
}

/** Parses `DSS_MASTER_KEY`: a comma-separated list, the first key current. */
function parseEnvList(value: string): Buffer[] {
  const entries = value.split(',').map((s) => s.trim());
  return entries.map((entry, i) => {
    const key = decodeKey(entry);
    if (key === undefined) {
      const which = entries.length === 1 ? 'the value' : `entry ${i + 1} of ${entries.length}`;
      throw new Error(`DSS_MASTER_KEY: ${which} is not ${KEY_FORMAT}`);
    }
    return key;
  });
}

/** What identifies one version of a file: a rename, a rewrite or a resize changes it. */
function statSignature(s: Stats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

/**
 * Reads a file and the stat of the very version read (fstat on the same descriptor), so a
 * concurrent replacement is never mistaken for the version already loaded.
 */
function readVersioned(path: string, what: string): { text: string; signature: string } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what}: file ${path} does not exist`);
    throw new Error(`${what}: cannot read ${path} (${code ?? 'error'})`);
  }
  try {
    const signature = statSignature(fstatSync(fd));
    return { text: readFileSync(fd, 'utf8'), signature };
  } finally {
    closeSync(fd);
  }
}

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code;
}

/** The configuration {@link MasterKeyRing.load} reads. */
export type RingConfig = Pick<DssConfig, 'masterKey' | 'masterKeyFile' | 'dataDir'> &
  Partial<Pick<DssConfig, 'kekPkcs11'>>;

/** Options of {@link MasterKeyRing.load}. */
export interface RingLoadOptions {
  /** Whether the default `master.key` may be created (no: on a populated installation). */
  creation?: SecretCreation;
  /**
   * Generate the token key when none has the label (`dss-admin master-key rotate --to
   * pkcs11`); a service start never does.
   */
  createTokenKey?: boolean;
}

/** Where the current key comes from. */
export type RingSource = 'env' | 'file' | 'pkcs11';

/**
 * The master-key (KEK) ring of DESIGN.md §4: one *current* key, which wraps new signing keys,
 * and any number of *retired* keys, which only unwrap keys not yet re-wrapped (see
 * {@link rewrapAll}). A key is a {@link FileKek} (32 bytes from `DSS_MASTER_KEY` or a ring
 * file) or a {@link Pkcs11Kek} (inside a token); each is named by its check value.
 *
 * Key bytes are held in private fields and never logged: `util.inspect`, `JSON.stringify` and
 * every error message show key ids only.
 */
export class MasterKeyRing {
  /** kek id → key, current first, then retired keys in source order. */
  #keys: Map<string, Kek>;
  #currentId: string;
  #fileSignature: string | undefined;
  /** Keys that do not come from the ring file (a token key), kept across a file reload. */
  readonly #pinned: readonly Kek[];

  private constructor(
    keys: readonly Kek[],
    /** Where the current key came from: `DSS_MASTER_KEY`, a ring file or a PKCS#11 token. */
    readonly source: RingSource,
    /** True when {@link MasterKeyRing.load} created the default file with a fresh key. */
    readonly created: boolean,
    /** The ring file, when keys come from one. */
    readonly path?: string,
    fileSignature?: string,
    pinned: readonly Kek[] = [],
  ) {
    this.#keys = MasterKeyRing.index(keys);
    this.#currentId = this.#keys.keys().next().value!;
    this.#fileSignature = fileSignature;
    this.#pinned = pinned;
  }

  private static index(keys: readonly (Kek | Buffer)[]): Map<string, Kek> {
    if (keys.length === 0) throw new Error('master key ring: no key');
    const map = new Map<string, Kek>();
    for (const entry of keys) {
      const key = Buffer.isBuffer(entry) ? new FileKek(entry) : entry;
      if (!map.has(key.id)) map.set(key.id, key); // a repeated key is harmless; keep its first place
    }
    return map;
  }

  /**
   * Loads the ring:
   * - with `config.kekPkcs11` (`DSS_KEK_PKCS11_*`), the current key is the token's key
   *   ({@link Pkcs11Kek.open}; never created here) and the file keys below, when present,
   *   are retired keys, so keys wrapped before a move to the token still unwrap;
   * - else, in this order:
   *   1. `config.masterKey` (`DSS_MASTER_KEY`): comma-separated keys, the first current;
   *   2. `config.masterKeyFile` (`DSS_MASTER_KEY_FILE`): one key per line, the first current;
   *      blank lines and `#` comments ignored; a missing file is an error;
   *   3. `<config.dataDir>/master.key`, created (0600, atomically) with a fresh random key
   *      when missing and `options.creation` allows it, in which case
   *      {@link MasterKeyRing.created} is true and the caller should warn that production
   *      should provide its own key. On a populated installation a missing or empty file
   *      is a {@link SecretMissingError}.
   *
   * Keys are 64 hex characters or base64 / base64url of 32 bytes. Throws a one-line error
   * naming the variable or the file (and line), never key material.
   */
  static load(config: RingConfig, options: RingLoadOptions = {}): MasterKeyRing {
    if (config.kekPkcs11 !== undefined) {
      const token = Pkcs11Kek.open(config.kekPkcs11, { create: options.createTokenKey === true });
      try {
        const files = MasterKeyRing.loadFileKeys(config, { mayCreate: false }, true);
        return new MasterKeyRing(
          [token, ...(files?.keys ?? [])],
          'pkcs11',
          false,
          files?.path,
          files?.signature,
          [token],
        );
      } catch (err) {
        token.close();
        throw err;
      }
    }
    const files = MasterKeyRing.loadFileKeys(config, options.creation ?? MAY_CREATE_SECRETS, false);
    if (files === undefined) throw new Error('master key ring: no key');
    return new MasterKeyRing(
      files.keys,
      files.path === undefined ? 'env' : 'file',
      files.created,
      files.path,
      files.signature,
    );
  }

  /**
   * The file keys: from `DSS_MASTER_KEY`, `DSS_MASTER_KEY_FILE` or the default file. With
   * `optional`, a missing default file gives undefined instead of being created.
   */
  private static loadFileKeys(
    config: RingConfig,
    creation: SecretCreation,
    optional: boolean,
  ): { keys: FileKek[]; path?: string; signature?: string; created: boolean } | undefined {
    if (config.masterKey !== undefined && config.masterKey.trim() !== '') {
      return { keys: parseEnvList(config.masterKey).map((k) => new FileKek(k)), created: false };
    }
    if (config.masterKeyFile !== undefined) {
      const { text, signature } = readVersioned(config.masterKeyFile, 'DSS_MASTER_KEY_FILE');
      const keys = parseRingFile(text, config.masterKeyFile).map((k) => new FileKek(k));
      return { keys, path: config.masterKeyFile, signature, created: false };
    }
    const path = join(config.dataDir, DEFAULT_MASTER_KEY_FILE_NAME);
    if (optional && !existsSync(path)) return undefined;
    const { created } = loadOrCreateSecret(
      {
        path,
        what: 'master key file',
        hint: 'restore it from the backup, or set DSS_MASTER_KEY / DSS_MASTER_KEY_FILE',
        generate: () => {
          const key = randomBytes(MASTER_KEY_BYTES);
          const text = [...FILE_HEADER, key.toString('hex'), ''].join('\n');
          key.fill(0);
          return text;
        },
        parse: (contents) => parseRingFile(contents.toString('utf8'), path).length,
      },
      creation,
    );
    const { text, signature } = readVersioned(path, 'master key file');
    const keys = parseRingFile(text, path).map((k) => new FileKek(k));
    return { keys, path, signature, created };
  }

  /**
   * A ring made of given keys, the first current: what `dss-admin master-key rotate` builds
   * to move keys between a file and a token. It does not follow a ring file.
   */
  static of(keys: readonly Kek[], source: RingSource): MasterKeyRing {
    return new MasterKeyRing(keys, source, false);
  }

  /**
   * Creates a ring file holding one fresh key (0600, atomically; never over an existing file)
   * and returns the key's id.
   */
  static createFile(path: string): string {
    const key = randomBytes(MASTER_KEY_BYTES);
    try {
      writeSecretFile(path, [...FILE_HEADER, key.toString('hex'), ''].join('\n'));
      return kekIdOf(key);
    } finally {
      key.fill(0);
    }
  }

  /** Every key, current first. */
  keys(): Kek[] {
    return [...this.#keys.values()];
  }

  /** The key that wraps new keys. */
  current(): Kek {
    return this.#keys.get(this.#currentId)!;
  }

  /** The key with this id (current or retired), or undefined. */
  get(kekId: string): Kek | undefined {
    return this.#keys.get(kekId);
  }

  /**
   * A 32-byte key derived from the current master key for another purpose, by label (see
   * {@link Kek.deriveSubkey}): HKDF-SHA256 for a file key, an SP 800-108 KDF inside the token
   * for a PKCS#11 key. Every instance with the same current master key derives the same
   * value; a master-key rotation changes it.
   */
  deriveSubkey(label: string): Buffer {
    return this.current().deriveSubkey(label);
  }

  /** Closes token sessions; the ring is unusable afterwards. */
  close(): void {
    for (const key of this.#keys.values()) key.close();
  }

  /** All key ids, current first. */
  ids(): string[] {
    return [...this.#keys.keys()];
  }

  /**
   * For a file ring, re-reads the file when it changed since it was loaded (one `stat`
   * otherwise), so a running service picks up a rotated key without a restart. A file that has become unreadable or invalid leaves the ring
   * as it was and throws (the next call tries again). Returns true only when the keys or their
   * order changed; always false for an env ring.
   */
  reloadIfChanged(): boolean {
    if (this.source === 'env' || this.path === undefined) return false;
    let stats: Stats;
    try {
      stats = statSync(this.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`master key file ${this.path}: cannot stat (${code})`);
    }
    if (statSignature(stats) === this.#fileSignature) return false;
    const { text, signature } = readVersioned(this.path, 'master key file');
    const keys = MasterKeyRing.index([...this.#pinned, ...parseRingFile(text, this.path)]);
    const before = this.ids();
    const changed =
      keys.size !== before.length || [...keys.keys()].some((id, i) => before[i] !== id);
    this.#keys = keys;
    this.#currentId = keys.keys().next().value!;
    this.#fileSignature = signature;
    return changed;
  }

  /**
   * Rotates a ring file: writes a fresh random key as the first (current) line, followed by
   * every key already in the file, so no old key is lost. The file is replaced atomically
   * (temporary file 0600, fsync, rename); a `<path>.lock` file keeps two rotations from
   * racing. A symbolic link is followed and its target replaced.
   *
   * Re-wrap the stored keys afterwards ({@link rewrapAll}); the retired keys can be removed
   * from the file once {@link kekUsage} shows no key under them.
   */
  static rotateFile(path: string): { newId: string; retiredIds: string[] } {
    const target = (() => {
      try {
        return realpathSync(path);
      } catch (err) {
        if (isErrno(err, 'ENOENT')) throw new Error(`master key file ${path} does not exist`);
        throw err;
      }
    })();
    const lock = `${target}.lock`;
    try {
      closeSync(openSync(lock, 'wx', 0o600));
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      throw new Error(
        `master key file ${target} is being rotated by another process ` +
          `(remove ${lock} if no rotation is running)`,
      );
    }
    try {
      const { text } = readVersioned(target, 'master key file');
      const retiredIds = [...MasterKeyRing.index(parseRingFile(text, target)).keys()];
      const key = randomBytes(MASTER_KEY_BYTES);
      const newId = kekIdOf(key);
      const kept = text.split(/\r?\n/).filter((line) => !FILE_HEADER.includes(line.trimEnd()));
      while (kept.length > 0 && kept[kept.length - 1].trim() === '') kept.pop();
      const contents = [...FILE_HEADER, key.toString('hex'), ...kept, ''].join('\n');
      key.fill(0);
      // Guard against ever writing a ring that lost a key.
      const written = [...MasterKeyRing.index(parseRingFile(contents, target)).keys()];
      if (written[0] !== newId || !retiredIds.every((id) => written.includes(id))) {
        throw new Error(`master key file ${target}: rotation check failed; file left unchanged`);
      }
      writeFileAtomic(target, contents, { mode: 0o600, mkdir: false });
      return { newId, retiredIds };
    } finally {
      rmSync(lock, { force: true });
    }
  }

  /** Shows ids only. */
  toString(): string {
    return `MasterKeyRing { source: ${this.source}, current: ${this.#currentId}, ids: [${this.ids().join(', ')}] }`;
  }

  /** Shows ids only. */
  [inspect.custom](): string {
    return this.toString();
  }

  /** Shows ids only. */
  toJSON(): { source: string; path?: string; current: string; ids: string[] } {
    return { source: this.source, path: this.path, current: this.#currentId, ids: this.ids() };
  }
}
