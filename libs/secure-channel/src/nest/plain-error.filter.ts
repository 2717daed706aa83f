import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import { type Response } from 'express';
import { APP_LOGGER, requestIdOf } from '@dss/common';
import { type Logger } from 'pino';
import { renderError } from './error-mapping';

/**
 * Answers every error that was not sealed: channel errors (PROTOCOL.md §3.2), unknown routes,
 * and anything thrown on public routes. Never a stack trace on the wire.
 */
@Catch()
export class PlainErrorFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const rendered = renderError(exception);
    if (rendered.unexpected) {
      this.logger.error({ err: exception, reqId: requestIdOf(res) }, 'unhandled error');
    }
    if (res.headersSent) return;
    if (rendered.retryAfterSeconds)
      res.setHeader('Retry-After', String(rendered.retryAfterSeconds));
    res.status(rendered.status).json(rendered.body);
  }
}
