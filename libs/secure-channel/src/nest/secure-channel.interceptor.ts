import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_LOGGER, DomainError, ErrorCode, SessionEndedError } from '@dss/common';
import { type Response } from 'express';
import { type Logger } from 'pino';
import { catchError, from, map, type Observable, of, switchMap } from 'rxjs';
import {
  b64uEncode,
  ChannelError,
  ChannelErrorCode,
  openRequest,
  parseSealedRequest,
  sealResponse,
} from '../protocol';
import { type ChannelSession, type SessionState, type SessionStore } from '../session';
import { renderError } from './error-mapping';
import {
  PUBLIC_ROUTE,
  type RequiredState,
  SEALED_ROUTE,
  type SealedOptions,
  type SealedRequest,
  stateAllows,
} from './sealed.decorator';
import { SESSION_STORE } from './tokens';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The error a session in `state` gets on a route that requires `required` (PROTOCOL.md §4). */
function stateError(required: RequiredState, state: SessionState): DomainError {
  if (required === 'open')
    return new DomainError(ErrorCode.AlreadyAuthenticated, 'this session is already logged in');
  if (state === 'must-change') {
    return new DomainError(ErrorCode.PasswordChangeRequired, 'change the temporary password first');
  }
  return new DomainError(ErrorCode.NotAuthenticated, 'log in first');
}

/** Parses the opened plaintext: a UTF-8 JSON object (PROTOCOL.md §3). */
function parsePlaintext(plaintext: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(plaintext));
  } catch {
    throw new DomainError(ErrorCode.InvalidRequest, 'the plaintext is not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DomainError(ErrorCode.InvalidRequest, 'the plaintext must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * The SecureChannel interceptor (DESIGN.md §2): every route of the employee API that is not
 * marked {@link PublicRoute} goes through it, whether or not it says {@link Sealed} (secure by
 * default; a test still requires every route to say which it is).
 *
 * Order of checks, PROTOCOL.md §3.1: envelope shape → session known and not expired → seq fresh
 * → AEAD open → mark seq accepted → state check → process. Failures before the open are channel
 * errors, answered plain by the exception filter; everything after a successful open, errors
 * included, is sealed under the request's seq with the HTTP status bound into the AAD.
 */
@Injectable()
export class SecureChannelInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(APP_LOGGER) private readonly logger: Logger,
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

    return from(this.open(req)).pipe(
      switchMap(({ session, seq, plaintext }) => {
        const seal = (status: number, body: unknown): unknown => {
          res.status(status);
          res.setHeader('Cache-Control', 'no-store');
          const json = Buffer.from(JSON.stringify(body ?? {}), 'utf8');
          return sealResponse(session.keys, session.sessionId, seq, status, json);
        };
        const sealError = (err: unknown): Observable<unknown> => {
          const rendered = renderError(err);
          if (rendered.unexpected) this.logger.error({ err, route: req.path }, 'unhandled error');
          if (err instanceof SessionEndedError) {
            return from(this.sessions.setState(session.id, 'open')).pipe(
              map(() => seal(rendered.status, rendered.body)),
            );
          }
          return of(seal(rendered.status, rendered.body));
        };
        try {
          if (!stateAllows(required, session.state)) throw stateError(required, session.state);
          req.body = parsePlaintext(plaintext);
        } catch (err) {
          return sealError(err);
        }
        req.dssSession = session;
        return next.handle().pipe(
          map((result) => seal(res.statusCode, result)),
          catchError(sealError),
        );
      }),
    );
  }

  private async open(
    req: SealedRequest,
  ): Promise<{ session: ChannelSession; seq: number; plaintext: Buffer }> {
    const { sessionId, seq, payload } = parseSealedRequest(req.body);
    const id = b64uEncode(sessionId);
    const found = await this.sessions.lookup(id);
    if (found.status === 'unknown')
      throw new ChannelError(ChannelErrorCode.UnknownSession, 'no such session');
    if (found.status === 'expired') {
      await this.sessions.destroy(id);
      throw new ChannelError(
        ChannelErrorCode.SessionExpired,
        'the session has expired; handshake again',
      );
    }
    const { session } = found;
    if (!(await this.sessions.seqFresh(id, seq)))
      throw new ChannelError(ChannelErrorCode.Replayed, 'seq already used or too old');
    const plaintext = openRequest(
      session.keys,
      session.sessionId,
      seq,
      req.method,
      req.path,
      payload,
    );
    if (plaintext === null)
      throw new ChannelError(ChannelErrorCode.DecryptFailed, 'the payload does not authenticate');
    const outcome = await this.sessions.acceptSeq(id, seq);
    if (outcome === 'replayed')
      throw new ChannelError(ChannelErrorCode.Replayed, 'seq already used or too old');
    if (outcome === 'unknown')
      throw new ChannelError(ChannelErrorCode.UnknownSession, 'no such session');
    return { session, seq, plaintext };
  }
}
