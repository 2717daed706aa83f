import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { requestIdOf } from '@dss/common';
import { type Response } from 'express';
import { catchError, from, map, type Observable, switchMap } from 'rxjs';
import {
  PUBLIC_ROUTE,
  SEALED_ROUTE,
  type SealedOptions,
  type SealedRequest,
} from './sealed.decorator';
import { type SealedAnswer, SealedExchange } from './sealed-exchange';

/**
 * The SecureChannel interceptor (DESIGN.md §2): every route of the employee API that is not
 * marked {@link PublicRoute} goes through it, whether or not it says {@link Sealed} (secure by
 * default; a test still requires every route to say which it is).
 *
 * The checks and their order (PROTOCOL.md §3.1) are {@link SealedExchange}'s: failures before
 * the open are channel errors, answered plain by the exception filter; everything after a
 * successful open, errors included, is sealed under the request's seq with the HTTP status bound
 * into the AAD.
 */
@Injectable()
export class SecureChannelInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly exchange: SealedExchange,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return next.handle();
    const required =
      this.reflector.getAllAndOverride<SealedOptions>(SEALED_ROUTE, targets)?.state ??
      'authenticated';
    const http = context.switchToHttp();
    const req = http.getRequest<SealedRequest>();
    const res = http.getResponse<Response>();
    const send = ({ status, envelope, retryAfterSeconds }: SealedAnswer): unknown => {
      res.status(status);
      res.setHeader('Cache-Control', 'no-store');
      if (retryAfterSeconds) res.setHeader('Retry-After', String(retryAfterSeconds));
      return envelope;
    };

    return from(this.exchange.open(req.method, req.path, req.body)).pipe(
      switchMap((opened) => {
        const sealError = (err: unknown): Observable<unknown> =>
          from(this.exchange.sealError(opened, err, req.path, requestIdOf(res))).pipe(map(send));
        try {
          req.body = this.exchange.admit(opened, required);
        } catch (err) {
          return sealError(err);
        }
        req.dssSession = opened.session;
        return next.handle().pipe(
          map((result) => send(this.exchange.seal(opened, res.statusCode, result))),
          catchError(sealError),
        );
      }),
    );
  }
}
