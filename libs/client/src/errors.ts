/**
 * Errors thrown by {@link DssClient}. Every one extends {@link DssError} and has a
 * stable string `code`, so callers can `switch` on it.
 */

/** Base class of every error the SDK throws. */
export class DssError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DssError';
    this.code = code;
  }
}

/** Why the server could not be talked to. */
export type DssNetworkErrorKind = 'unreachable' | 'timeout';

/**
 * The server could not be reached (connection refused, DNS failure, reset...) or
 * did not answer within `timeoutMs`. `code` is `network_unreachable` or
 * `network_timeout`. The request may or may not have been processed.
 */
export class DssNetworkError extends DssError {
  readonly kind: DssNetworkErrorKind;

  constructor(kind: DssNetworkErrorKind, message: string, options?: ErrorOptions) {
    super(`network_${kind}`, message, options);
    this.name = 'DssNetworkError';
    this.kind = kind;
  }
}

/**
 * The peer's answer is not a valid DSS-SC1 answer: not JSON, an unexpected
 * shape, or a sealed response that does not authenticate (forged, altered, or
 * sent with another HTTP status). `code` is `protocol_error`.
 */
export class DssProtocolError extends DssError {
  constructor(message: string, options?: ErrorOptions) {
    super('protocol_error', message, options);
    this.name = 'DssProtocolError';
  }
}

/**
 * The handshake was not signed by the pinned server key (PROTOCOL.md §2): the
 * peer is not the DSS server this client trusts, or the server's identity key
 * changed. `code` is `server_identity_mismatch`.
 */
export class DssServerIdentityError extends DssError {
  /** Fingerprint (hex SHA-256 of the SPKI DER) of the pinned key. */
  readonly expectedFingerprint: string;
  /**
   * Fingerprint of the key the peer advertises at `GET /v1/server-key`, or
   * `undefined` when it could not be fetched. Informational only: it is not
   * authenticated.
   */
  readonly presentedFingerprint?: string;

  constructor(expectedFingerprint: string, presentedFingerprint?: string) {
    super(
      'server_identity_mismatch',
      `the server's handshake is not signed by the pinned key (expected fingerprint ` +
        `${expectedFingerprint}, server presents ${presentedFingerprint ?? 'an unknown key'})`,
    );
    this.name = 'DssServerIdentityError';
    this.expectedFingerprint = expectedFingerprint;
    this.presentedFingerprint = presentedFingerprint;
  }
}

/**
 * A channel-level error (PROTOCOL.md §3.2), answered in plain JSON because the
 * request could not be handled under the session keys: e.g. `unknown_session`,
 * `session_expired`, `replayed`, `rate_limited`. `code` is the server's code.
 */
export class DssChannelError extends DssError {
  /** HTTP status. */
  readonly status: number;
  /** Seconds to wait before retrying, when the server says (`rate_limited`). */
  readonly retryAfterSeconds?: number;

  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super(code, message);
    this.name = 'DssChannelError';
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * An application error (PROTOCOL.md §4), received sealed and authenticated:
 * e.g. `invalid_credentials`, `no_key`, `too_many_attempts`. `code` is the
 * server's code.
 */
export class DssApiError extends DssError {
  /** HTTP status (authenticated: it is bound into the response AAD). */
  readonly status: number;
  /** Extra fields of the error object besides `code` and `message`. */
  readonly details: Readonly<Record<string, unknown>>;
  /** `details.retryAfterSeconds` when it is a number (`too_many_attempts`). */
  readonly retryAfterSeconds?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message);
    this.name = 'DssApiError';
    this.status = status;
    this.details = details;
    const retry = details.retryAfterSeconds;
    if (typeof retry === 'number' && Number.isFinite(retry)) {
      this.retryAfterSeconds = retry;
    }
  }
}
