import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The file-system calls {@link writeFileAtomic} makes. Tests pass a copy with one call replaced
 * to inject a failure (a full disk, a crash between write and rename) at an exact step.
 */
export interface AtomicWriteIo {
  openSync: typeof fs.openSync;
  fchmodSync: typeof fs.fchmodSync;
  writeSync: (fd: number, data: Buffer) => number;
  fsyncSync: typeof fs.fsyncSync;
  closeSync: typeof fs.closeSync;
  renameSync: typeof fs.renameSync;
  linkSync: typeof fs.linkSync;
  rmSync: typeof fs.rmSync;
}

/** The real file system. */
export const NODE_IO: AtomicWriteIo = {
  openSync: fs.openSync,
  fchmodSync: fs.fchmodSync,
  writeSync: (fd, data) => fs.writeSync(fd, data),
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
  linkSync: fs.linkSync,
  rmSync: fs.rmSync,
};

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** The file's mode, set exactly whatever the umask (default 0600). */
  mode?: number;
  /**
   * Refuse to replace an existing file (EEXIST), as `open(…, 'wx')` does: the new file is put
   * in place with link(2), which fails when the name exists, so two first starts racing on one
   * data directory keep one secret, never a mix.
   */
  exclusive?: boolean;
  /** Create the parent directory (mode 0700) when missing. Default true. */
  mkdir?: boolean;
  io?: AtomicWriteIo;
}

/**
 * Writes `contents` to `path` so that a reader only ever sees the old file or the whole new
 * one, never a partial or empty file, even if the process dies or the disk fills mid-way:
 * a temporary file in the same directory is written with the intended mode, fsynced, then
 * renamed (or linked, when `exclusive`) over `path`, and the directory is fsynced so the new
 * name survives a power cut. On any failure the temporary file is removed and `path` is
 * left as it was.
 */
export function writeFileAtomic(
  path: string,
  contents: string | Buffer,
  options: AtomicWriteOptions = {},
): void {
  const io = options.io ?? NODE_IO;
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  if (options.mkdir !== false) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const data = Buffer.isBuffer(contents) ? contents : Buffer.from(contents, 'utf8');
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = io.openSync(tmp, 'wx', 0o600);
  try {
    try {
      io.fchmodSync(fd, mode); // exact, whatever the umask
      for (let off = 0; off < data.length;) {
        off += io.writeSync(fd, data.subarray(off));
      }
      io.fsyncSync(fd);
    } finally {
      io.closeSync(fd);
    }
    if (options.exclusive === true) {
      io.linkSync(tmp, path);
      io.rmSync(tmp, { force: true });
    } else {
      io.renameSync(tmp, path);
    }
  } catch (err) {
    io.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDirectory(dir, io);
}

/** Makes a rename or link in `dir` durable; not every platform can fsync a directory. */
function fsyncDirectory(dir: string, io: AtomicWriteIo): void {
  let dirFd: number;
  try {
    dirFd = io.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    io.fsyncSync(dirFd);
  } catch {
    // EINVAL/EISDIR on some platforms: the rename itself has happened.
  } finally {
    io.closeSync(dirFd);
  }
}
