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
  /** Digest mode with a key whose algorithm signs only whole documents (Ed25519). */
  DigestNotSupported = 'digest_not_supported',
  /** A batch-signing request with more items than `DSS_MAX_BATCH`. */
  BatchTooLarge = 'batch_too_large',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  /** Dual control: an administrator approving their own approval request. */
  SelfApproval = 'self_approval',
  /** An approval request that was already approved, rejected or has expired. */
  NotPending = 'not_pending',
  UserExists = 'user_exists',
  InvalidUsername = 'invalid_username',
  CsrfFailed = 'csrf_failed',
  Unavailable = 'unavailable',
  /** Start refused: a secret (master key, pepper, server key…) is missing on a populated installation. */
  SecretMissing = 'secret_missing',
  /** Start refused: the master key does not match the key check value stored in the database. */
  WrongMasterKey = 'wrong_master_key',
  /** The PKCS#11 token holding the master key cannot be used (module, slot, PIN or key). */
  HsmUnavailable = 'hsm_unavailable',
  CertificateInvalid = 'certificate_invalid',
  NoCertificate = 'no_certificate',
  /** A log index or tree size past the verifiable log's current tree. */
  BeyondTree = 'beyond_tree',
  /** A checkpoint that is malformed, signed by another key or for another log. */
  InvalidCheckpoint = 'invalid_checkpoint',
  InternalError = 'internal_error',
  /** Framework answers (STYLE.md §6): the route exists, not with this method. */
  MethodNotAllowed = 'method_not_allowed',
  /** Body over the configured limit (PROTOCOL.md §3.2 for the employee API). */
  PayloadTooLarge = 'payload_too_large',
  /** A `Content-Type` or `Content-Encoding` the server does not read. */
  UnsupportedMediaType = 'unsupported_media_type',
  /** Too many requests or handshakes from one client (PROTOCOL.md §3.2). */
  RateLimited = 'rate_limited',
  /** Any other 4xx the framework raised, on the employee API. */
  HttpError = 'http_error',
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
  [ErrorCode.DigestNotSupported]: 400,
  [ErrorCode.BatchTooLarge]: 400,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.SelfApproval]: 403,
  [ErrorCode.NotPending]: 409,
  [ErrorCode.UserExists]: 409,
  [ErrorCode.InvalidUsername]: 400,
  [ErrorCode.CsrfFailed]: 403,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.SecretMissing]: 503,
  [ErrorCode.WrongMasterKey]: 503,
  [ErrorCode.HsmUnavailable]: 503,
  [ErrorCode.CertificateInvalid]: 400,
  [ErrorCode.NoCertificate]: 409,
  [ErrorCode.BeyondTree]: 404,
  [ErrorCode.InvalidCheckpoint]: 400,
  [ErrorCode.InternalError]: 500,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.HttpError]: 400,
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
