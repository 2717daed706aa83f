import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import {
  ADMIN_HTTP_CODES,
  APP_LOGGER,
  type RenderedError,
  renderHttpError,
  requestIdOf,
} from '@dss/common';
import { type Response } from 'express';
import { type Logger } from 'pino';

/** A thrown value rendered for the wire. */
export type RenderedAdminError = RenderedError;

/** The admin API's rendering: the shared one of both apps (libs/common), 429 as `too_many_attempts`. */
export function renderAdminError(err: unknown): RenderedAdminError {
  return renderHttpError(err, ADMIN_HTTP_CODES);
}

/** Registered once as APP_FILTER: every failure of the admin API has the same shape. */
@Catch()
export class AdminErrorFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const rendered = renderAdminError(exception);
    if (rendered.unexpected) {
      this.logger.error({ err: exception, reqId: requestIdOf(res) }, 'unhandled error');
    }
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
