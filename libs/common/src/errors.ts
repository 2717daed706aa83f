/**
 * Application error codes of the employee API (PROTOCOL.md §4) and the admin API. Stable: clients
 * and scripts switch on them.
 */
export enum ErrorCode {
  InvalidRequest = 'invalid_request',
  NotAuthenticated = 'not_authenticated',
  InvalidCredentials = 'invalid_credentials',
  PasswordChangeRequired = 'password_change_required',
  AlreadyAuthenticated = 'already_authenticated',
  WeakPassword = 'weak_password',
  TooManyAttempts = 'too_many_attempts',
  NoKey = 'no_key',
  KeyExists = 'key_exists',
  KeyDeleted = 'key_deleted',
  DocumentTooLarge = 'document_too_large',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  UserExists = 'user_exists',
  InvalidUsername = 'invalid_username',
  CsrfFailed = 'csrf_failed',
  Unavailable = 'unavailable',
  /** A log index or tree size past the verifiable log's current tree. */
  BeyondTree = 'beyond_tree',
  /** A checkpoint that is malformed, signed by another key or for another log. */
  InvalidCheckpoint = 'invalid_checkpoint',
  InternalError = 'internal_error',
}

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.InvalidRequest]: 400,
  [ErrorCode.NotAuthenticated]: 401,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.PasswordChangeRequired]: 403,
  [ErrorCode.AlreadyAuthenticated]: 409,
  [ErrorCode.WeakPassword]: 422,
  [ErrorCode.TooManyAttempts]: 429,
  [ErrorCode.NoKey]: 404,
  [ErrorCode.KeyExists]: 409,
  [ErrorCode.KeyDeleted]: 409,
  [ErrorCode.DocumentTooLarge]: 413,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.UserExists]: 409,
  [ErrorCode.InvalidUsername]: 400,
  [ErrorCode.CsrfFailed]: 403,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.BeyondTree]: 404,
  [ErrorCode.InvalidCheckpoint]: 400,
  [ErrorCode.InternalError]: 500,
};

/** Extra, non-secret fields that travel inside `error` (e.g. `retryAfterSeconds`). */
export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

/** The wire shape of every error: `{"error": {"code", "message", ...details}}`. */
export interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

/** A typed domain error with a stable code; one mapping to an HTTP status. */
export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = STATUS[code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

/**
 * The session's login no longer holds: the account was disabled, or its password changed or was
 * reset, after this session logged in. The SecureChannel interceptor returns the session to the
 * open state before answering, so the user can log in again on the same channel.
 */
export class SessionEndedError extends DomainError {
  constructor() {
    super(
      ErrorCode.NotAuthenticated,
      'this session was ended (account disabled, or password changed or reset); log in again',
    );
    this.name = 'SessionEndedError';
  }
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}
