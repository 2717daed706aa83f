import { DomainError, ErrorCode } from './errors';

/** A dependency an instance needs to answer: the database or the Redis session store. */
export type Dependency = 'database' | 'redis';

/** Seconds a client is told to wait when a dependency is down (`Retry-After`). */
export const UNAVAILABLE_RETRY_SECONDS = 5;

/**
 * A dependency did not answer (refused, reset, timed out): the request cannot be served now, and
 * nothing of it was acknowledged. Answered `503 unavailable` with `Retry-After` (DESIGN.md §9).
 */
export class DependencyUnavailableError extends DomainError {
  constructor(
    readonly dependency: Dependency,
    /** The driver's error, for the log; never sent. */
    readonly underlying?: unknown,
  ) {
    super(ErrorCode.Unavailable, `the ${dependency} is not reachable; retry later`, {
      retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS,
    });
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * Driver error codes that mean "the database server could not be reached, stopped answering or
 * could not grant the locks now" (mysql2 and Node socket codes, MySQL/MariaDB server codes for a
 * server going away or a lock it gave up on), as opposed to an error in the statement itself.
 */
const DATABASE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_CONNECTION_KILLED',
  // Locks the server could not grant now: a lock wait past innodb_lock_wait_timeout, or a
  // deadlock victim once TransactionRunner's retries are spent. Nothing was written; retry later.
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'SQLITE_BUSY',
  'SQLITE_IOERR',
]);

/** Messages of errors raised without a code when the pool or the connection is gone. */
const DATABASE_DOWN_MESSAGES = [
  /Pool is closed/i,
  /Can't add new command when connection is in closed state/i,
  /Connection lost/i,
  /Query inactivity timeout/i,
  /connect ETIMEDOUT/i,
  // The same socket failures once rewrapped by a caller that kept only the message.
  /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH)\b/,
];

function fieldOf(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null
    ? (err as Record<string, unknown>)[name]
    : undefined;
}

/**
 * The dependency failure behind `err`, if it is one: a {@link DependencyUnavailableError}, or a
 * database driver error (TypeORM's QueryFailedError keeps it in `driverError`) saying that the
 * server is unreachable, went away or did not answer within the query timeout.
 */
export function asUnavailable(err: unknown): DependencyUnavailableError | undefined {
  if (err instanceof DependencyUnavailableError) return err;
  if (err instanceof DomainError) return undefined;
  for (const e of [err, fieldOf(err, 'driverError')]) {
    const code = fieldOf(e, 'code');
    if (typeof code === 'string' && DATABASE_DOWN_CODES.has(code))
      return new DependencyUnavailableError('database', err);
    const message = fieldOf(e, 'message');
    if (typeof message === 'string' && DATABASE_DOWN_MESSAGES.some((m) => m.test(message)))
      return new DependencyUnavailableError('database', err);
  }
  return undefined;
}
