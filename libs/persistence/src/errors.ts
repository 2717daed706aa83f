/** Driver error fields we look at; TypeORM's QueryFailedError copies them from the driver. */
interface DriverErrorLike {
  code?: unknown;
  errno?: unknown;
  driverError?: unknown;
}

function driverErrorOf(err: unknown): DriverErrorLike | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { driverError } = err as DriverErrorLike;
  return typeof driverError === 'object' && driverError !== null ? driverError : err;
}

/** MySQL/MariaDB ER_DUP_ENTRY. */
const MYSQL_DUP_ENTRY = 1062;
const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * True if `err` (a TypeORM QueryFailedError or a raw driver error) is a unique or primary key
 * violation: MySQL ER_DUP_ENTRY (1062), SQLite SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY.
 * Callers map it to 409 Conflict.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = driverErrorOf(err);
  if (!e) return false;
  if (e.code === 'ER_DUP_ENTRY' || e.errno === MYSQL_DUP_ENTRY) return true;
  return typeof e.code === 'string' && SQLITE_UNIQUE_CODES.has(e.code);
}
