import { ExitCode } from './exit-codes';

/**
 * An error of the command line itself (usage, local files, refused
 * confirmation...), with the stable `code` printed under `--json` and the exit
 * code it gives. Errors from the server keep the SDK's types.
 */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad flags, arguments or configuration: exit 2. */
export function usageError(message: string): CliError {
  return new CliError('usage', message, ExitCode.Usage);
}

/** File system error codes, in words. */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'its directory does not exist',
  ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  ENAMETOOLONG: 'the name is too long',
  EISDIR: 'it is a directory',
  EMFILE: 'too many open files',
};

/** A file named on the command line cannot be read or written. */
export function fileError(err: unknown, path: string, verb: 'read' | 'write'): CliError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (verb === 'read' && code === 'ENOENT') {
    return new CliError('file_not_found', `${path}: no such file`, ExitCode.NotFound);
  }
  if (code === 'EISDIR') {
    return new CliError('usage', `${path} is a directory, not a file`, ExitCode.Usage);
  }
  const reason = FILE_ERRORS[code ?? ''] ?? code ?? String(err);
  return new CliError(`cannot_${verb}`, `cannot ${verb} ${path}: ${reason}`, ExitCode.Failure);
}
