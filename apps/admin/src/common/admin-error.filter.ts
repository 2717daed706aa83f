import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
} from '@nestjs/common';
import {
  APP_LOGGER,
  asUnavailable,
  DomainError,
  type ErrorBody,
  ErrorCode,
  requestIdOf,
} from '@dss/common';
import { type Response } from 'express';
import { type Logger } from 'pino';

/** Codes for HTTP errors raised by the framework itself (unknown route, oversized body, …). */
const HTTP_CODES: Readonly<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.InvalidRequest,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.NotAuthenticated,
  [HttpStatus.FORBIDDEN]: ErrorCode.Forbidden,
  [HttpStatus.NOT_FOUND]: ErrorCode.NotFound,
  [HttpStatus.METHOD_NOT_ALLOWED]: 'method_not_allowed',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported_media_type',
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCode.TooManyAttempts,
};

/** A thrown value rendered for the wire. */
export interface RenderedAdminError {
  status: number;
  body: ErrorBody;
  /** Seconds for a `Retry-After` header. */
  retryAfterSeconds?: number;
  /** Nobody planned for it: logged with its stack, answered with a bare 500. */
  unexpected: boolean;
}

/**
 * The one mapping of the admin API from anything thrown to `{error: {code, message}}` (STYLE.md
 * §6): domain errors keep their code and status, framework HTTP errors get a stable code, and
 * everything else is a 500 `internal_error` whose details stay in the log.
 */
export function renderAdminError(thrown: unknown): RenderedAdminError {
  // A dependency that is down is an answer, 503 `unavailable`, never a 500 (DESIGN.md §9).
  const err = asUnavailable(thrown) ?? thrown;
  if (err instanceof DomainError) {
    const retry = err.details.retryAfterSeconds;
    return {
      status: err.status,
      body: err.toBody(),
      retryAfterSeconds: typeof retry === 'number' ? retry : undefined,
      unexpected: false,
    };
  }
  if (err instanceof HttpException && err.getStatus() < 500) {
    const status = err.getStatus();
    const code = HTTP_CODES[status] ?? ErrorCode.InvalidRequest;
    const message = status === 404 ? 'no such route' : err.message;
    return { status, body: { error: { code, message } }, unexpected: false };
  }
  return {
    status: 500,
    body: { error: { code: ErrorCode.InternalError, message: 'internal error' } },
    unexpected: true,
  };
}

/** Registered once as APP_FILTER: every failure of the admin API has the same shape. */
@Catch()
export class AdminErrorFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const rendered = renderAdminError(exception);
    if (rendered.unexpected)
      this.logger.error({ err: exception, reqId: requestIdOf(res) }, 'unhandled error');
    if (res.headersSent) {
      // A stream (the audit export) failed midway: cut it so the client sees it incomplete.
      res.destroy();
      return;
    }
    if (rendered.retryAfterSeconds)
      res.setHeader('Retry-After', String(rendered.retryAfterSeconds));
    res.status(rendered.status).json(rendered.body);
  }
}
