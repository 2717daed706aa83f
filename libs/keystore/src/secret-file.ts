import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a new secret file readable by the owner only (0600), refusing to overwrite one that
 * exists (`wx`), in a directory created 0700 when missing.
 */
export function writeSecretFile(path: string, contents: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, contents, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600); // the umask may have narrowed the mode; make it exact
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
