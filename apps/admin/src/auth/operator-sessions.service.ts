import { Inject, Injectable } from '@nestjs/common';
import { type AuthenticatedOperator } from '@dss/accounts';
import { AuditAction, AuditService } from '@dss/audit';
import { type Clock, CLOCK } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import {
  OperatorSessionEntity,
  type OperatorSessionKind,
  TransactionRunner,
} from '@dss/persistence';
import { DataSource, IsNull, LessThan } from 'typeorm';
import { type OperatorContext } from '../common/operator-context';
import { isWellFormedToken, matchesHash, newToken, tokenHash } from './session-token';

/** A new session: the token (and CSRF token) go to the client once and are never stored. */
export interface IssuedSession {
  kind: OperatorSessionKind;
  token: string;
  /** Cookie sessions only. */
  csrfToken?: string;
  expiresAt: Date;
  ttlSeconds: number;
  idleSeconds: number;
}

/** A live session found for a presented token. */
export interface ResolvedSession {
  context: OperatorContext;
  csrfTokenHash: string | null;
}

/** `last_seen_at` is written at most this often per session (idle accuracy vs. writes). */
const TOUCH_INTERVAL_MS = 1000;
/** Length of the session id prefix written to the audit trail. */
const AUDITED_ID_CHARS = 12;

/**
 * Admin app sessions (DESIGN.md §6): bearer tokens and cookie sessions alike are 256-bit random
 * tokens of which only the SHA-256 is stored, with an absolute lifetime
 * (`DSS_ADMIN_TOKEN_TTL_SECONDS`) and an idle timeout (`DSS_ADMIN_IDLE_SECONDS`). Revocation is a
 * column, so it holds across instances; `OperatorsService` revokes an operator's sessions when
 * their password changes or they are disabled.
 */
@Injectable()
export class OperatorSessionsService {
  constructor(
    private readonly ds: DataSource,
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
  ) {}

  /** Opens a session for an operator who just logged in; purges expired rows on the way. */
  async issue(operator: AuthenticatedOperator, kind: OperatorSessionKind): Promise<IssuedSession> {
    const token = newToken();
    const csrfToken = kind === 'cookie' ? newToken() : undefined;
    const now = new Date(this.clock.now());
    const expiresAt = new Date(now.getTime() + this.config.adminTokenTtlSeconds * 1000);
    await this.runner.run(async (m) => {
      await m.delete(OperatorSessionEntity, { expiresAt: LessThan(now) });
      await m.insert(OperatorSessionEntity, {
        id: tokenHash(token),
        operatorId: operator.operatorId,
        kind,
        csrfTokenHash: csrfToken === undefined ? null : tokenHash(csrfToken),
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
        revokedAt: null,
      });
    });
    return {
      kind,
      token,
      csrfToken,
      expiresAt,
      ttlSeconds: this.config.adminTokenTtlSeconds,
      idleSeconds: this.config.adminIdleSeconds,
    };
  }

  /**
   * The live session of `token` presented as `kind`, or null when it is unknown, of the other
   * kind, revoked, past its lifetime, idle too long, or its operator is disabled. Marks it used.
   */
  async resolve(token: string, kind: OperatorSessionKind): Promise<ResolvedSession | null> {
    if (!isWellFormedToken(token)) return null;
    const row = await this.ds.getRepository(OperatorSessionEntity).findOne({
      where: { id: tokenHash(token) },
      relations: { operator: true },
    });
    const now = this.clock.now();
    if (
      !row?.operator ||
      row.kind !== kind ||
      row.revokedAt !== null ||
      row.expiresAt.getTime() <= now ||
      row.lastSeenAt.getTime() + this.config.adminIdleSeconds * 1000 <= now ||
      row.operator.disabledAt !== null
    ) {
      return null;
    }
    if (now - row.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.runner.run((m) =>
        m.update(
          OperatorSessionEntity,
          { id: row.id, revokedAt: IsNull() },
          { lastSeenAt: new Date(now) },
        ),
      );
    }
    return {
      context: {
        operatorId: row.operator.id,
        username: row.operator.username,
        role: row.operator.role,
        mustChangePassword: row.operator.mustChangePassword,
        sessionId: row.id,
        sessionKind: row.kind,
        expiresAt: row.expiresAt,
      },
      csrfTokenHash: row.csrfTokenHash,
    };
  }

  /** The double-submit check of a cookie session: the header equals the session's CSRF token. */
  csrfMatches(session: ResolvedSession, header: string | undefined): boolean {
    return matchesHash(header, session.csrfTokenHash);
  }

  /** Logout: revokes the session. Audited as `operator.logout`. */
  async revoke(operator: OperatorContext): Promise<void> {
    await this.runner.run(async (m) => {
      await m.update(
        OperatorSessionEntity,
        { id: operator.sessionId, revokedAt: IsNull() },
        { revokedAt: new Date(this.clock.now()) },
      );
      await this.audit.append(m, {
        actorType: 'operator',
        actor: operator.username,
        action: AuditAction.OperatorLogout,
        subject: operator.username,
        details: {
          sessionKind: operator.sessionKind,
          session: operator.sessionId.slice(0, AUDITED_ID_CHARS),
        },
      });
    });
  }
}
