/**
 * Channel-level errors of DSS-SC1 (PROTOCOL.md §3.2).
 *
 * These are the errors a server answers with a plain, unsealed
 * `{"error": {"code", "message"}}` body. Messages name the offending field and
 * the rule it broke; they never contain key material, nonces or payloads, so
 * they are safe to log and to send back to the client.
 */

/** Stable error codes of PROTOCOL.md §3.2. */
export enum ChannelErrorCode {
  BadEnvelope = 'bad_envelope',
  UnsupportedVersion = 'unsupported_version',
  BadPublicKey = 'bad_public_key',
  UnknownSession = 'unknown_session',
  SessionExpired = 'session_expired',
  DecryptFailed = 'decrypt_failed',
  Replayed = 'replayed',
  PayloadTooLarge = 'payload_too_large',
  RateLimited = 'rate_limited',
}

/** HTTP status for each channel error code (PROTOCOL.md §3.2, the table). */
export const CHANNEL_ERROR_STATUS: Readonly<Record<ChannelErrorCode, number>> = Object.freeze({
  [ChannelErrorCode.BadEnvelope]: 400,
  [ChannelErrorCode.UnsupportedVersion]: 400,
  [ChannelErrorCode.BadPublicKey]: 400,
  [ChannelErrorCode.UnknownSession]: 401,
  [ChannelErrorCode.SessionExpired]: 401,
  [ChannelErrorCode.DecryptFailed]: 400,
  [ChannelErrorCode.Replayed]: 409,
  [ChannelErrorCode.PayloadTooLarge]: 413,
  [ChannelErrorCode.RateLimited]: 429,
});

/**
 * A request that cannot be answered under the session keys (PROTOCOL.md §3.2).
 * `status` is derived from {@link CHANNEL_ERROR_STATUS}.
 */
export class ChannelError extends Error {
  /** Stable wire code, e.g. `bad_envelope`. */
  readonly code: ChannelErrorCode;
  /** HTTP status to answer with. */
  readonly status: number;
  /** For `rate_limited`: seconds the client should wait (a `Retry-After` hint). */
  readonly retryAfterSeconds?: number;

  /**
   * @param code - the §3.2 error code.
   * @param message - human-readable reason; MUST NOT contain secrets or payloads.
   * @param retryAfterSeconds - optional wait hint in seconds, rounded up (used with `rate_limited`).
   */
  constructor(code: ChannelErrorCode, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ChannelError';
    this.code = code;
    this.status = CHANNEL_ERROR_STATUS[code];
    // Never throw from an error's constructor: an odd hint is rounded up or dropped.
    if (
      typeof retryAfterSeconds === 'number' &&
      Number.isFinite(retryAfterSeconds) &&
      retryAfterSeconds > 0
    ) {
      this.retryAfterSeconds = Math.ceil(retryAfterSeconds);
    }
  }
}

/** Why a client rejected a handshake response (PROTOCOL.md §2). */
export type HandshakeErrorReason = 'malformed' | 'bad_signature' | 'version';

/**
 * Client-side handshake failure (PROTOCOL.md §2): the server's response is not
 * well-formed (`malformed`), carries a `version` other than 1 (`version`), or its
 * `signature` does not verify under the pinned server key (`bad_signature`; the
 * client MUST abort: the peer is not the server it pinned).
 */
export class HandshakeError extends Error {
  /** Which check failed. */
  readonly reason: HandshakeErrorReason;

  /**
   * @param reason - which check failed.
   * @param message - human-readable reason; never contains key material.
   */
  constructor(reason: HandshakeErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HandshakeError';
    this.reason = reason;
  }
}
