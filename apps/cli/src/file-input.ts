import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CliError, fileError } from './cli-error';
import { ExitCode } from './exit-codes';
import { type TextSink } from './output';
import { progressBarFor } from './progress';

/** Read in chunks of this size: large enough to be fast, small enough to keep memory flat. */
const CHUNK_BYTES = 1024 * 1024;

/** The size of a regular file named on the command line (exit 4 when it does not exist). */
export async function fileSize(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw fileError(err, path, 'read');
  }
  if (info.isDirectory()) throw fileError({ code: 'EISDIR' }, path, 'read');
  if (!info.isFile()) {
    throw new CliError('usage', `${path} is not a regular file`, ExitCode.Usage);
  }
  return info.size;
}

export async function readWholeFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw fileError(err, path, 'read');
  }
}

/**
 * Reads a file chunk by chunk, never whole, feeding each chunk to `consume`;
 * with a progress bar on `progressTo` when it is a terminal and the file large.
 */
export async function streamFile(
  path: string,
  size: number,
  consume: (chunk: Buffer) => void,
  progressTo: TextSink,
  verb: string,
): Promise<void> {
  const bar = progressBarFor(progressTo, `${verb} ${basename(path)}`, size);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      consume(chunk as Buffer);
      bar?.advance((chunk as Buffer).length);
    }
  } catch (err) {
    throw fileError(err, path, 'read');
  } finally {
    bar?.finish();
  }
}

/** SHA-256 of a file, streamed. */
export async function sha256File(
  path: string,
  size: number,
  progressTo: TextSink,
): Promise<Buffer> {
  const hash = createHash('sha256');
  await streamFile(path, size, (chunk) => hash.update(chunk), progressTo, 'Hashing');
  return hash.digest();
}
