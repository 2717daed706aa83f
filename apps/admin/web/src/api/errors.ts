/**
 * Errors of the admin API (`{error: {code, message}}`) and their wording for people. The
 * dashboard never shows a raw response body: every failure becomes one sentence.
 */

/** A failed API call: the HTTP status and the stable error code of the body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait, when the server said so (429). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never got an answer (server down, network cut, CORS/CSP refusal). */
export class NetworkError extends Error {
  constructor() {
    super('network error');
    this.name = 'NetworkError';
  }
}

/** Shown on the sign-in page after any 401 from an authenticated call. */
export const SESSION_EXPIRED_MESSAGE = 'Your session has expired — please sign in again.';

/** Fixed wording per code; codes not listed fall back to the server's own message. */
const WORDS: Readonly<Record<string, string>> = {
  not_authenticated: SESSION_EXPIRED_MESSAGE,
  invalid_credentials: 'The username or password is not correct.',
  forbidden: 'Your role does not allow this action.',
  password_change_required: 'You must choose a new password before you continue.',
  csrf_failed: 'The request could not be verified. Reload the page and try again.',
  rate_limited: 'Too many requests. Wait a moment and try again.',
  payload_too_large: 'The request is too large.',
  internal_error:
    'The server ran into an unexpected error. Try again; if it persists, ask the operator to check the service log.',
  unavailable:
    'The service is not available right now (is the database reachable?). Try again in a moment.',
};

/** Codes whose server message is already meant for people (validation, policy, conflicts). */
function fromServerMessage(message: string): string {
  const text = message.trim();
  if (!text) return 'The request failed.';
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

function waitWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** One sentence describing any error thrown by the API client (or anything else). */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError)
    return 'The admin service cannot be reached. Check that it is running and try again.';
  if (error instanceof ApiError) {
    if (error.code === 'too_many_attempts') {
      return error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 0
        ? `Too many login attempts. Try again in ${waitWords(error.retryAfterSeconds)}.`
        : 'Too many login attempts. Try again later.';
    }
    const fixed = WORDS[error.code];
    if (fixed !== undefined) return fixed;
    if (error.code === 'unexpected_response')
      return `The server gave an unexpected answer (HTTP ${error.status}). Try again later.`;
    return fromServerMessage(error.message);
  }
  return 'Something went wrong. Reload the page and try again.';
}

/** True when the error means the session is gone and the operator must sign in again. */
export function isSessionExpired(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/**
 * Builds the {@link ApiError} for a non-2xx answer from its status and parsed body (undefined if
 * the body was not JSON). Bodies that are not `{error:{code,message}}` (a proxy's HTML page, say)
 * become `unexpected_response`, never a message built from the raw text.
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  retryAfterHeader?: string | null,
): ApiError {
  const error = isErrorBody(body) ? body.error : undefined;
  const retry =
    typeof error?.retryAfterSeconds === 'number'
      ? error.retryAfterSeconds
      : retryAfterHeader && /^\d+$/.test(retryAfterHeader)
        ? Number(retryAfterHeader)
        : undefined;
  if (error) return new ApiError(status, error.code, error.message, retry);
  if (status === 401) return new ApiError(status, 'not_authenticated', '', retry);
  if (status === 403) return new ApiError(status, 'forbidden', '', retry);
  if (status === 429) return new ApiError(status, 'rate_limited', '', retry);
  if (status === 503) return new ApiError(status, 'unavailable', '', retry);
  return new ApiError(status, 'unexpected_response', '', retry);
}

interface ErrorBody {
  error: { code: string; message: string; retryAfterSeconds?: number };
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = body.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
