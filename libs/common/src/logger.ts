import { type LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** Injection token for the application's pino logger. */
export const APP_LOGGER = Symbol('APP_LOGGER');

/** Longest statement shape written to the log. */
const MAX_STATEMENT_CHARS = 300;

/** Fields of a database error (TypeORM's QueryFailedError, mysql2, better-sqlite3). */
interface DatabaseErrorLike {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  query?: unknown;
  sql?: unknown;
  parameters?: unknown;
  driverError?: unknown;
}

function isDatabaseError(err: DatabaseErrorLike): boolean {
  return (
    err.name === 'QueryFailedError' ||
    'parameters' in err ||
    'driverError' in err ||
    typeof err.sql === 'string' ||
    typeof err.sqlState === 'string' ||
    (typeof err.code === 'string' && /^(SQLITE_|ER_)/.test(err.code))
  );
}

/** The statement with any quoted literal blanked: its shape, never its values. */
function statementShape(statement: unknown): string | undefined {
  if (typeof statement !== 'string') return undefined;
  const shape = statement
    .replace(/'(?:[^'\\]|\\.)*'/g, "'?'")
    .replace(/\s+/g, ' ')
    .trim();
  return shape.length > MAX_STATEMENT_CHARS ? `${shape.slice(0, MAX_STATEMENT_CHARS)}…` : shape;
}

/**
 * The `err` serializer: a database error is logged with its code and the shape of its statement,
 * never its parameters (a new bcrypt hash, a username) nor the driver's message (MySQL quotes the
 * offending value); any other error as pino's standard serializer writes it.
 */
export function serializeError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as DatabaseErrorLike;
  const driver =
    typeof e.driverError === 'object' && e.driverError !== null
      ? (e.driverError as DatabaseErrorLike)
      : e;
  if (!isDatabaseError(e)) return pino.stdSerializers.err(err as Error);
  return {
    type: typeof e.name === 'string' ? e.name : 'DatabaseError',
    code: driver.code ?? e.code,
    errno: driver.errno ?? e.errno,
    sqlState: driver.sqlState ?? e.sqlState,
    statement: statementShape(e.query ?? driver.sql ?? e.sql),
  };
}

/**
 * Structured JSON logs. Call sites log ids, codes and sizes, never keys, passwords, plaintexts or
 * payloads; the redact list is a second line of defence for field names that must never appear.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'dss' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError },
      redact: {
        paths: [
          'password',
          '*.password',
          'newPassword',
          '*.newPassword',
          'currentPassword',
          '*.currentPassword',
          'temporaryPassword',
          '*.temporaryPassword',
          'payload',
          '*.payload',
          'privateKey',
          '*.privateKey',
          'document',
          '*.document',
          'token',
          '*.token',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/**
 * Nest's own start-up narration (module initialisation, one line per mapped route): useful when
 * debugging, noise at the default level, where the start-up shows a short human summary.
 */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Adapts pino to Nest's LoggerService so framework messages are JSON lines too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (context !== undefined && FRAMEWORK_CONTEXTS.has(context)) {
      this.logger.debug({ context }, String(message));
    } else {
      this.logger.info({ context }, String(message));
    }
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
