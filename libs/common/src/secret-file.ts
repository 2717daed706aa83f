import { DomainError, ErrorCode } from './errors';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file';

/**
 * Writes a new secret file readable by the owner only (0600), refusing to overwrite one that
 * exists (EEXIST), in a directory created 0700 when missing. The write is atomic
 * ({@link writeFileAtomic}): an interrupted first start leaves no file, never an empty one.
 */
export function writeSecretFile(path: string, contents: string | Buffer): void {
  writeFileAtomic(path, contents, { mode: 0o600, exclusive: true });
}

/** Reads a secret file; throws a one-line error naming the file when it is missing or unreadable. */
export function readSecretFile(path: string, what: string): Buffer {
  if (!existsSync(path)) throw new Error(`${what}: file ${path} does not exist`);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(
      `${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** True when group or others may read the file (a warning sign for a secret). */
export function isGroupOrWorldReadable(path: string): boolean {
  return (statSync(path).mode & 0o077) !== 0;
}

/**
 * Whether this start may create missing secrets. Secrets are created only on a fresh
 * installation: once the database holds users, operators or keys, a missing secret means a
 * lost file (or a wrong path), and a new one would silently lock everyone out.
 */
export interface SecretCreation {
  /** False on a populated installation. */
  mayCreate: boolean;
  /** Why not, for the error: e.g. "the database holds 3 users and 2 key pairs". */
  reason?: string;
}

/** Fresh installation: every secret may be created. */
export const MAY_CREATE_SECRETS: SecretCreation = Object.freeze({ mayCreate: true });

/** Start refused: a secret is missing or empty where the installation depends on it. */
export class SecretMissingError extends DomainError {
  constructor(
    what: string,
    path: string,
    state: 'missing' | 'empty',
    creation: SecretCreation,
    hint: string,
  ) {
    super(
      ErrorCode.SecretMissing,
      `${what} ${path} is ${state === 'missing' ? 'missing' : 'empty (an interrupted write?)'}` +
        `, but ${creation.reason ?? 'this installation is already in use'}: refusing to create a new one; ${hint}`,
      { path },
    );
    this.name = 'SecretMissingError';
  }
}

/** How {@link loadOrCreateSecret} reads, makes and names one secret file. */
export interface SecretFileSpec<T> {
  path: string;
  /** The secret's name in messages, e.g. "master key file". */
  what: string;
  /** What to do about it, e.g. "restore it from the backup or set DSS_PEPPER_FILE". */
  hint: string;
  /** The contents of a new file (called only when one is created). */
  generate: () => string | Buffer;
  /** Parses the file; throws a one-line error naming the file on bad contents. */
  parse: (contents: Buffer) => T;
}

/** What {@link loadOrCreateSecret} did. */
export interface LoadedSecret<T> {
  value: T;
  /** True when this call created the file. */
  created: boolean;
  /** True when an empty file (left by an older, non-atomic write) was replaced. */
  replacedEmpty: boolean;
}

/**
 * The one way a generated secret file is loaded (master key, pepper, server key, and any key
 * file added later): read it when present; when missing (or empty) create it atomically
 * (0600) only if `creation.mayCreate`, else refuse with {@link SecretMissingError}. Two
 * processes creating it at once keep the first one's secret.
 */
export function loadOrCreateSecret<T>(
  spec: SecretFileSpec<T>,
  creation: SecretCreation,
): LoadedSecret<T> {
  let replacedEmpty = false;
  if (existsSync(spec.path)) {
    if (statSync(spec.path).size > 0) {
      return {
        value: spec.parse(readSecretFile(spec.path, spec.what)),
        created: false,
        replacedEmpty,
      };
    }
    if (!creation.mayCreate) {
      throw new SecretMissingError(spec.what, spec.path, 'empty', creation, spec.hint);
    }
    // Nothing depends on it yet: an empty file holds no secret, so replace it.
    rmSync(spec.path, { force: true });
    replacedEmpty = true;
  } else if (!creation.mayCreate) {
    throw new SecretMissingError(spec.what, spec.path, 'missing', creation, spec.hint);
  }
  const contents = spec.generate();
  try {
    writeSecretFile(spec.path, contents);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`${spec.what} ${spec.path}: cannot create (${code})`);
    }
    // Another process sharing the data directory created it first: use theirs.
    return {
      value: spec.parse(readSecretFile(spec.path, spec.what)),
      created: false,
      replacedEmpty,
    };
  } finally {
    if (Buffer.isBuffer(contents)) contents.fill(0);
  }
  return { value: spec.parse(readSecretFile(spec.path, spec.what)), created: true, replacedEmpty };
}
