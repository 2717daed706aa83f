import { Inject, Injectable } from '@nestjs/common';
import { BOOTSTRAP_OPERATOR, OperatorsService } from '@dss/accounts';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { OperatorEntity } from '@dss/persistence';
import { RateLimiter } from '@dss/common';
import { DataSource, IsNull } from 'typeorm';
import { type OperatorContext } from '../common/operator-context';
import { type ChangePasswordDto, type ChangePasswordResponseDto } from './dto/change-password.dto';
import { type LoginDto, type LoginResponseDto } from './dto/login.dto';
import {
  type CurrentOperatorDto,
  type LogoutResponseDto,
  type SignInStatusDto,
} from './dto/session.dto';
import { type IssuedSession, OperatorSessionsService } from './operator-sessions.service';

/** A login's answer and the session behind it (the controller sets cookies from it). */
export interface LoginOutcome {
  response: LoginResponseDto;
  session: IssuedSession;
}

/** Operator login, password change, logout (DESIGN.md §6). */
@Injectable()
export class AuthService {
  /** Login attempts per client address (`DSS_LOGIN_RATE_LIMIT`), before any bcrypt. */
  private readonly perClient: RateLimiter;

  constructor(
    private readonly operators: OperatorsService,
    private readonly sessions: OperatorSessionsService,
    private readonly ds: DataSource,
    @Inject(CLOCK) clock: Clock,
    @Inject(DSS_CONFIG) config: DssConfig,
  ) {
    this.perClient = new RateLimiter(config.loginRatePerMinute, undefined, clock);
  }

  /**
   * Checks the password (lockout and audit in `OperatorsService`) and opens a bearer or cookie
   * session.
   *
   * @throws DomainError `too_many_attempts` (address throttle or lockout), `invalid_credentials`
   */
  async login(dto: LoginDto, client: string): Promise<LoginOutcome> {
    const wait = this.perClient.take(client);
    if (wait > 0) {
      throw new DomainError(ErrorCode.TooManyAttempts, 'too many login attempts; slow down', {
        retryAfterSeconds: wait,
      });
    }
    const operator = await this.operators.authenticate(dto.username, dto.password, client);
    const session = await this.sessions.issue(operator, dto.session ?? 'bearer');
    const response: LoginResponseDto = {
      username: operator.username,
      role: operator.role,
      mustChangePassword: operator.mustChangePassword,
      session: session.kind,
      ...(session.kind === 'bearer'
        ? { accessToken: session.token, tokenType: 'Bearer' as const }
        : { csrfToken: session.csrfToken }),
      expiresIn: session.ttlSeconds,
      expiresAt: session.expiresAt.toISOString(),
      idleTimeoutSeconds: session.idleSeconds,
    };
    return { response, session };
  }

  /**
   * Changes the operator's own password; every session of theirs ends, this one included.
   *
   * @throws DomainError `invalid_credentials`, `too_many_attempts`, `weak_password`
   */
  async changePassword(
    operator: OperatorContext,
    dto: ChangePasswordDto,
    client: string,
  ): Promise<ChangePasswordResponseDto> {
    const { revokedSessions } = await this.operators.changePassword(
      operator.operatorId,
      dto.currentPassword,
      dto.newPassword,
      client,
    );
    return { changed: true, revokedSessions };
  }

  async logout(operator: OperatorContext): Promise<LogoutResponseDto> {
    await this.sessions.revoke(operator);
    return { loggedOut: true };
  }

  me(operator: OperatorContext): CurrentOperatorDto {
    return {
      username: operator.username,
      role: operator.role,
      session: operator.sessionKind,
      expiresAt: operator.expiresAt.toISOString(),
    };
  }

  /**
   * What the sign-in page may say before anyone signs in: whether the first-start `admin` still
   * waits for its first sign-in with the bootstrap password (never signed in, and its password
   * never reset — a reset password has an expiry, the bootstrap one has none). No secret: it only
   * tells a fresh installation from one in use.
   */
  async signInStatus(): Promise<SignInStatusDto> {
    const pending = await this.ds.getRepository(OperatorEntity).count({
      where: {
        username: BOOTSTRAP_OPERATOR,
        lastLoginAt: IsNull(),
        mustChangePassword: true,
        tempPasswordExpiresAt: IsNull(),
        disabledAt: IsNull(),
      },
    });
    return { bootstrapAdminPending: pending > 0 };
  }
}
