import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { type DssConfig, isKey32 } from '@dss/config';
import { writeSecretFile } from './secret-file';

/** Length of a master key (KEK) in bytes: an AES-256 key. */
export const MASTER_KEY_BYTES = 32;

/** File name of the generated master key ring inside the data directory (DESIGN.md §4). */
export const DEFAULT_MASTER_KEY_FILE_NAME = 'master.key';

const KEK_ID_LABEL = Buffer.from('dss-kek-id', 'ascii');
const KEY_FORMAT = '32 bytes as 64 hex characters or base64';

/** Written at the top of a ring file we create or rotate; comment lines are ignored on read. */
const FILE_HEADER = [
  '# DSS master key ring (DESIGN.md §4). One 32-byte key per line, hex or base64.',
  '# The first key wraps new keys; the others only unwrap. Keep this file secret and backed up.',
];

/**
 * The identifier stored beside every wrapped key (`key_pairs.kek_id`): the first 16 hex
 * characters of SHA-256("dss-kek-id" || key). It names the key without revealing it.
 */
export function kekIdOf(key: Buffer): string {
  assertKey32(key);
  return createHash('sha256').update(KEK_ID_LABEL).update(key).digest('hex').slice(0, 16);
}

function assertKey32(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== MASTER_KEY_BYTES) {
    throw new TypeError(`master key: expected a ${MASTER_KEY_BYTES}-byte Buffer`);
  }
}

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

/**
 * Where keys derived from the master key come from: the file or environment ring here, or a
 * token holding the master key. One method, so that every custody of the master key can offer it.
 */
export interface SubkeySource {
  /** A 32-byte key for the purpose named by `label`, the same on every instance. */
  deriveSubkey(label: string): Buffer;
}

/**
 * The master-key (KEK) ring of DESIGN.md §4: one *current* key, which wraps new signing keys,
 * and any number of *retired* keys, which only unwrap keys not yet re-wrapped (see
 * {@link rewrapAll}). Keys are 32 bytes and named by {@link kekIdOf}.
 *
 * Key bytes are held in private fields and never logged: `util.inspect`, `JSON.stringify` and
 * every error message show key ids only.
 */
export class MasterKeyRing implements SubkeySource {
  /** kek id → key, current first, then retired keys in source order. */
  #keys: Map<string, Buffer>;
  #currentId: string;
  #fileSignature: string | undefined;

  private constructor(
    keys: readonly Buffer[],
    /** Where the keys came from: `DSS_MASTER_KEY` or a ring file. */
    readonly source: 'env' | 'file',
    /** True when {@link MasterKeyRing.load} created the default file with a fresh key. */
    readonly created: boolean,
    /** The ring file, when `source` is `'file'`. */
    readonly path?: string,
    fileSignature?: string,
  ) {
    this.#keys = MasterKeyRing.index(keys);
    this.#currentId = this.#keys.keys().next().value!;
    this.#fileSignature = fileSignature;
  }

  private static index(keys: readonly Buffer[]): Map<string, Buffer> {
    if (keys.length === 0) throw new Error('master key ring: no key');
    const map = new Map<string, Buffer>();
    for (const key of keys) {
      const id = kekIdOf(key);
      if (!map.has(id)) map.set(id, key); // a repeated key is harmless; keep its first place
    }
    return map;
  }

  /**
   * Loads the ring from, in this order:
   * 1. `config.masterKey` (`DSS_MASTER_KEY`): comma-separated keys, the first current;
   * 2. `config.masterKeyFile` (`DSS_MASTER_KEY_FILE`): one key per line, the first current;
   *    blank lines and `#` comments ignored; a missing file is an error;
   * 3. `<config.dataDir>/master.key`, created (0600) with a fresh random key when missing, in
   *    which case {@link MasterKeyRing.created} is true and the caller should warn that
   *    production should provide its own key.
   *
   * Keys are 64 hex characters or base64 / base64url of 32 bytes. Throws a one-line error
   * naming the variable or the file (and line), never key material.
   */
  static load(config: Pick<DssConfig, 'masterKey' | 'masterKeyFile' | 'dataDir'>): MasterKeyRing {
    if (config.masterKey !== undefined && config.masterKey.trim() !== '') {
      return new MasterKeyRing(parseEnvList(config.masterKey), 'env', false);
    }
    if (config.masterKeyFile !== undefined) {
      return MasterKeyRing.loadFile(config.masterKeyFile, 'DSS_MASTER_KEY_FILE', false);
    }
    const path = join(config.dataDir, DEFAULT_MASTER_KEY_FILE_NAME);
    let created = false;
    const key = randomBytes(MASTER_KEY_BYTES);
    try {
      writeSecretFile(path, [...FILE_HEADER, key.toString('hex'), ''].join('\n'));
      created = true;
    } catch (err) {
      // Another process may have created it first (`wx`): then load what it wrote.
      if (!isErrno(err, 'EEXIST')) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        throw new Error(`master key file ${path}: cannot create (${code})`);
      }
    } finally {
      key.fill(0);
    }
    return MasterKeyRing.loadFile(path, 'master key file', created);
  }

  private static loadFile(path: string, what: string, created: boolean): MasterKeyRing {
    const { text, signature } = readVersioned(path, what);
    return new MasterKeyRing(parseRingFile(text, path), 'file', created, path, signature);
  }

  /**
   * The key that wraps new keys. The returned Buffer is the ring's own: do not modify it.
   */
  current(): { id: string; key: Buffer } {
    return { id: this.#currentId, key: this.#keys.get(this.#currentId)! };
  }

  /**
   * A 32-byte subkey of the current master key for one purpose, named by `label`: HKDF-SHA-256
   * (RFC 5869) with an empty salt and `label` as the info, so each purpose gets an independent
   * key and the master key itself never leaves the ring.
   */
  deriveSubkey(label: string): Buffer {
    if (typeof label !== 'string' || label.length === 0)
      throw new TypeError('deriveSubkey: label must be a non-empty string');
    const { key } = this.current();
    return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), label, 32));
  }

  /** The key with this id (current or retired), or undefined. Do not modify the Buffer. */
  get(kekId: string): Buffer | undefined {
    return this.#keys.get(kekId);
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
    if (this.source !== 'file' || this.path === undefined) return false;
    let stats: Stats;
    try {
      stats = statSync(this.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`master key file ${this.path}: cannot stat (${code})`);
    }
    if (statSignature(stats) === this.#fileSignature) return false;
    const { text, signature } = readVersioned(this.path, 'master key file');
    const keys = MasterKeyRing.index(parseRingFile(text, this.path));
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
      writeAtomically(target, contents);
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

/** Replaces `path` with `contents` atomically: temp file 0600 in the same directory, rename. */
function writeAtomically(path: string, contents: string): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      fchmodSync(fd, 0o600); // exact, whatever the umask
      writeFileSync(fd, contents);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dirFd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dirFd); // make the rename durable
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Not every platform can fsync a directory; the rename itself has happened.
  }
}
