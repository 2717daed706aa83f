import { HttpException, HttpStatus } from '@nestjs/common';
import { asUnavailable, DomainError, type ErrorBody, ErrorCode } from '@dss/common';
import { ChannelError } from '../protocol';

/** Codes for HTTP errors raised by the framework itself (unknown route, wrong method, …). */
const HTTP_CODES: Readonly<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.InvalidRequest,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.NotAuthenticated,
  [HttpStatus.FORBIDDEN]: ErrorCode.Forbidden,
  [HttpStatus.NOT_FOUND]: ErrorCode.NotFound,
  [HttpStatus.METHOD_NOT_ALLOWED]: 'method_not_allowed',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported_media_type',
  [HttpStatus.TOO_MANY_REQUESTS]: 'rate_limited',
};

export interface RenderedError {
  status: number;
  body: ErrorBody;
  /** Seconds for a `Retry-After` header. */
  retryAfterSeconds?: number;
  /** True for errors nobody planned for: logged with their stack, answered with a bare 500. */
  unexpected: boolean;
}

/** One mapping from any thrown value to a status and the `{error: {code, message}}` body. */
export function renderError(thrown: unknown): RenderedError {
  // A dependency that is down is an answer, 503 `unavailable`, never a 500 (DESIGN.md §9).
  const err = asUnavailable(thrown) ?? thrown;
  if (err instanceof ChannelError) {
    const retry = err.retryAfterSeconds;
    return {
      status: err.status,
      body: {
        error: {
          code: err.code,
          message: err.message,
          ...(retry ? { retryAfterSeconds: retry } : {}),
        },
      },
      retryAfterSeconds: retry,
      unexpected: false,
    };
  }
  if (err instanceof DomainError) {
    const retry = err.details.retryAfterSeconds;
    return {
      status: err.status,
      body: err.toBody(),
      retryAfterSeconds: typeof retry === 'number' ? retry : undefined,
      unexpected: false,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status < 500) {
      const code = HTTP_CODES[status] ?? 'http_error';
      const message = status === 404 ? 'no such route' : err.message;
      return { status, body: { error: { code, message } }, unexpected: false };
    }
  }
  return {
    status: 500,
    body: { error: { code: ErrorCode.InternalError, message: 'internal error' } },
    unexpected: true,
  };
}
