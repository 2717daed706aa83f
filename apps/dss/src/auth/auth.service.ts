import { Inject, Injectable } from '@nestjs/common';
import { AccountsService } from '@dss/accounts';
import { AuditAction, AuditService } from '@dss/audit';
import { DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { TransactionRunner } from '@dss/persistence';
import {
  type ChannelSession,
  RATE_LIMITS,
  SESSION_STORE,
  type SessionStore,
} from '@dss/secure-channel';
import { type RateLimit, type RateLimitFactory } from '@dss/common';
import { type ChangePasswordDto } from './dto/change-password.dto';
import { type LoginDto, type LoginResponse } from './dto/login.dto';

/** PROTOCOL.md §4 session state machine: open → must-change | authenticated → open. */
@Injectable()
export class AuthService {
  private readonly loginLimiter: RateLimit;

  constructor(
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    private readonly runner: TransactionRunner,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(DSS_CONFIG) config: DssConfig,
    @Inject(RATE_LIMITS) rateLimits: RateLimitFactory,
  ) {
    this.loginLimiter = rateLimits('login', config.loginRatePerMinute);
  }

  async login(session: ChannelSession, dto: LoginDto, client: string): Promise<LoginResponse> {
    const wait = await this.loginLimiter.take(client);
    if (wait > 0) {
      throw new DomainError(
        ErrorCode.TooManyAttempts,
        'too many login attempts from this address',
        { retryAfterSeconds: wait },
      );
    }
    const user = await this.accounts.authenticate(dto.username, dto.password, client);
    await this.sessions.setState(
      session.id,
      user.mustChangePassword ? 'must-change' : 'authenticated',
      {
        userId: user.userId,
        username: user.username,
      },
    );
    return { username: user.username, mustChangePassword: user.mustChangePassword };
  }

  /** Changes the password; the session returns to open and the user logs in again (as in the report). */
  async changePassword(
    session: ChannelSession,
    dto: ChangePasswordDto,
    client: string,
  ): Promise<{ changed: true }> {
    await this.accounts.changePassword(
      this.userIdOf(session),
      dto.currentPassword,
      dto.newPassword,
      client,
    );
    await this.sessions.setState(session.id, 'open');
    return { changed: true };
  }

  async logout(session: ChannelSession): Promise<{ loggedOut: true }> {
    if (session.username !== undefined) {
      await this.runner.run((m) =>
        this.audit.append(m, {
          actorType: 'user',
          actor: session.username!,
          action: AuditAction.Logout,
          subject: session.username,
        }),
      );
    }
    // The interceptor still holds the keys it needs to seal this answer.
    await this.sessions.destroy(session.id);
    return { loggedOut: true };
  }

  private userIdOf(session: ChannelSession): number {
    if (session.userId === undefined)
      throw new DomainError(ErrorCode.NotAuthenticated, 'log in first');
    return session.userId;
  }
}
