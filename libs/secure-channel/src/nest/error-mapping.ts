import { ErrorCode, type HttpErrorCodes, type RenderedError, renderHttpError } from '@dss/common';
import { ChannelError } from '../protocol';

export { type RenderedError } from '@dss/common';

/** The employee API's names for framework errors (PROTOCOL.md §3.2: a 429 is `rate_limited`). */
const EMPLOYEE_HTTP_CODES: HttpErrorCodes = {
  tooManyRequests: ErrorCode.RateLimited,
  other: ErrorCode.HttpError,
};

/**
 * One mapping from any thrown value to a status and the `{error: {code, message}}` body: channel
 * errors (PROTOCOL.md §3.2) here, everything else as both apps do (`renderHttpError`).
 */
export function renderError(err: unknown): RenderedError {
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
  return renderHttpError(err, EMPLOYEE_HTTP_CODES);
}
