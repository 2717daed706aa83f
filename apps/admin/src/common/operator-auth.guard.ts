import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_LOGGER, DomainError, ErrorCode } from '@dss/common';
import { type OperatorRole } from '@dss/persistence';
import { type Logger } from 'pino';
import { OperatorSessionsService } from '../auth/operator-sessions.service';
import { CSRF_HEADER, presentedCredential } from '../auth/session-token';
import { type AdminRequest } from './operator-context';
import { ALLOW_PASSWORD_CHANGE_KEY, PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** Methods that change nothing: no CSRF token needed. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The admin API's one access check (APP_GUARD), in this order:
 *
 * 1. `@Public()` routes pass; a route with neither `@Public()` nor `@Roles()` is refused (fail
 *    closed, and logged: it is a bug);
 * 2. a bearer token or the session cookie must name a live session, else 401 `not_authenticated`;
 * 3. a cookie-authenticated request that is not GET/HEAD must carry `X-CSRF-Token` equal to the
 *    session's CSRF token (double submit), else 403 `csrf_failed`;
 * 4. an operator who must change their password may only change it or log out, else 403
 *    `password_change_required`;
 * 5. the operator's role must be one of the route's, else 403 `forbidden`.
 */
@Injectable()
export class OperatorAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: OperatorSessionsService,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<OperatorRole[] | undefined>(ROLES_KEY, targets);
    const req = ctx.switchToHttp().getRequest<AdminRequest>();
    if (!roles || roles.length === 0) {
      this.logger.error({ path: req.path }, 'admin route without @Roles or @Public refused');
      throw new DomainError(ErrorCode.Forbidden, 'this route has no access policy');
    }

    const presented = presentedCredential(
      req.headers.authorization,
      req.cookies as Record<string, unknown> | undefined,
    );
    if (presented.kind === 'none') {
      throw new DomainError(
        ErrorCode.NotAuthenticated,
        'log in first: send Authorization: Bearer <token>, or the session cookie',
      );
    }
    const session =
      presented.kind === 'malformed'
        ? null
        : await this.sessions.resolve(presented.token, presented.kind);
    if (!session) {
      throw new DomainError(
        ErrorCode.NotAuthenticated,
        'the token or session is invalid, expired or revoked; log in again',
      );
    }
    if (presented.kind === 'cookie' && !SAFE_METHODS.has(req.method)) {
      const header = req.headers[CSRF_HEADER];
      if (!this.sessions.csrfMatches(session, typeof header === 'string' ? header : undefined)) {
        throw new DomainError(
          ErrorCode.CsrfFailed,
          'a cookie-authenticated write needs the X-CSRF-Token header set to the dss_csrf cookie',
        );
      }
    }
    req.operator = session.context;
    if (
      session.context.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_PASSWORD_CHANGE_KEY, targets)
    ) {
      throw new DomainError(
        ErrorCode.PasswordChangeRequired,
        'change your password first: POST /api/auth/password',
      );
    }
    if (!roles.includes(session.context.role)) {
      throw new DomainError(
        ErrorCode.Forbidden,
        `this needs the ${roles.join(' or ')} role; you are ${session.context.role}`,
      );
    }
    return true;
  }
}
