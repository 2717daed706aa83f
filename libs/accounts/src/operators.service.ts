import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { writeSecretFile } from '@dss/common';
import {
  isUniqueViolation,
  OperatorEntity,
  type OperatorRole,
  OperatorSessionEntity,
  TransactionRunner,
} from '@dss/persistence';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { type Actor, type UserStatus } from './account.types';
import {
  assertActor,
  assertPage,
  CredentialCore,
  type CredentialPolicy,
  entityCredentialStore,
  isLocked,
} from './credential-core';
import { PasswordHasher } from './password-hasher';
import { normalizePassword } from './password-policy';
import { canonicalizeTemporaryPassword, generateTemporaryPassword } from './temporary-password';
import { assertValidUsername, isValidUsername, normalizeUsername } from './username';

/** The operator created on first start when there is none (DESIGN.md §6). */
export const BOOTSTRAP_OPERATOR = 'admin';

/** File in the data directory holding a generated bootstrap password (0600). */
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password';

/** Every operator role: `admin` reads and writes, `auditor` only reads. */
export const OPERATOR_ROLES: readonly OperatorRole[] = ['admin', 'auditor'];

/** Derived operator state, as for users: disabled, locked, must change, active. */
export type OperatorStatus = UserStatus;

/** What the admin side sees of an operator: never the password hash. */
export interface OperatorSummary {
  username: string;
  role: OperatorRole;
  status: OperatorStatus;
  mustChangePassword: boolean;
  /** Expiry of the one-time password while it must still be changed (null: never expires). */
  temporaryPasswordExpiresAt: Date | null;
  failedLogins: number;
  /** End of the current lock; null when the operator is not locked now. */
  lockedUntil: Date | null;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/** A one-time password of a new or reset operator: shown once, never stored in clear. */
export interface IssuedOperatorPassword {
  username: string;
  role: OperatorRole;
  temporaryPassword: string;
  temporaryPasswordExpiresAt: Date;
}

/** A successful operator login. */
export interface AuthenticatedOperator {
  operatorId: number;
  username: string;
  role: OperatorRole;
  /** True until the operator replaces the password they were given. */
  mustChangePassword: boolean;
}

/** What the first start did. */
export interface OperatorBootstrap {
  /** False when an operator already existed (nothing was done). */
  created: boolean;
  username?: string;
  passwordSource?: 'DSS_ADMIN_BOOTSTRAP_PASSWORD' | 'generated';
  /** The file holding the generated password (never the password itself). */
  passwordFile?: string;
}

/** The answer of an admin change on an operator. */
export interface OperatorChange {
  /** False for an idempotent repeat. */
  changed: boolean;
  operator: OperatorSummary;
  /** Sessions of the operator ended by this change. */
  revokedSessions: number;
}

/** Query of {@link OperatorSummary} pages. */
export interface ListOperatorsQuery {
  role?: OperatorRole;
  /** Default 0. */
  offset?: number;
  /** 1 to 500, default 50. */
  limit?: number;
}

/** One page of operators, ordered by username, and the number of all that match. */
export interface OperatorPage {
  items: OperatorSummary[];
  total: number;
}

const BOOTSTRAP_ACTOR = 'bootstrap';
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

class AlreadyBootstrapped extends Error {}

function notFound(): DomainError {
  return new DomainError(ErrorCode.NotFound, 'no such operator');
}

function assertRole(role: unknown): asserts role is OperatorRole {
  if (!OPERATOR_ROLES.includes(role as OperatorRole)) {
    throw new DomainError(
      ErrorCode.InvalidRequest,
      `role must be one of ${OPERATOR_ROLES.join(', ')}`,
    );
  }
}

function toSummary(op: OperatorEntity, now: number): OperatorSummary {
  const status: OperatorStatus =
    op.disabledAt !== null
      ? 'disabled'
      : isLocked(op.lockedUntil, now)
        ? 'locked'
        : op.mustChangePassword
          ? 'must_change_password'
          : 'active';
  return {
    username: op.username,
    role: op.role,
    status,
    mustChangePassword: op.mustChangePassword,
    temporaryPasswordExpiresAt: op.mustChangePassword ? op.tempPasswordExpiresAt : null,
    failedLogins: op.failedLogins,
    lockedUntil: isLocked(op.lockedUntil, now) ? op.lockedUntil : null,
    disabled: op.disabledAt !== null,
    createdAt: op.createdAt,
    updatedAt: op.updatedAt,
    lastLoginAt: op.lastLoginAt,
  };
}

/**
 * Operators of the admin app (DESIGN.md §6): the first-start `admin`, more operators with one-time
 * passwords, login with the same lockout as users, password changes under the users' policy, and
 * disabling. Every change commits with its audit event; a password change, reset or disable also
 * revokes the operator's sessions in the same transaction. Shared by the admin app and `dss-admin`.
 */
@Injectable()
export class OperatorsService {
  /** What the shared credential flows need to know about operators. */
  readonly policy: CredentialPolicy<OperatorEntity>;

  constructor(
    private readonly ds: DataSource,
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly core: CredentialCore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
  ) {
    this.policy = {
      kind: 'operator',
      actions: {
        loginSucceeded: AuditAction.OperatorLoginSucceeded,
        loginFailed: AuditAction.OperatorLoginFailed,
        locked: AuditAction.OperatorLocked,
        unlocked: AuditAction.OperatorUnlocked,
        passwordChanged: AuditAction.OperatorPasswordChanged,
        passwordReset: AuditAction.OperatorPasswordReset,
      },
      store: entityCredentialStore(ds, runner, OperatorEntity),
      loginDetails: (op) => ({ role: op.role }),
      onLogin: async (m, op, now) => {
        await m.update(OperatorEntity, { id: op.id }, { lastLoginAt: now });
      },
      endSessions: (m, op, now) => this.revokeSessions(m, op.id, now),
    };
  }

  /** Where a generated bootstrap password is written. */
  get initialPasswordFile(): string {
    return join(this.config.dataDir, INITIAL_ADMIN_PASSWORD_FILE);
  }

  /**
   * First start: when there is no operator at all, creates `admin` (role admin, must change the
   * password at first login) with `DSS_ADMIN_BOOTSTRAP_PASSWORD`, or else with a generated
   * one-time password (130 random bits) written to `<dataDir>/initial-admin-password` (0600)
   * before the transaction commits. Audited as `operator.created` by the system. Safe to race:
   * the unique username decides, and the loser does nothing.
   */
  async bootstrap(): Promise<OperatorBootstrap> {
    if ((await this.ds.getRepository(OperatorEntity).count()) > 0) return { created: false };
    const fromEnv = this.config.adminBootstrapPassword;
    const password = fromEnv ?? generateTemporaryPassword();
    // Stored as login will read it while the password is one-time (see candidateOf).
    const normalized = normalizePassword(password) ?? password;
    const passwordHash = await this.hasher.hash(
      canonicalizeTemporaryPassword(normalized) ?? normalized,
    );
    const passwordSource = fromEnv === undefined ? 'generated' : 'DSS_ADMIN_BOOTSTRAP_PASSWORD';
    const file = this.initialPasswordFile;
    let wroteFile = false;
    try {
      await this.runner.run(async (m) => {
        if ((await m.count(OperatorEntity)) > 0) throw new AlreadyBootstrapped();
        const now = new Date(this.clock.now());
        await m.insert(OperatorEntity, {
          username: BOOTSTRAP_OPERATOR,
          passwordHash,
          role: 'admin',
          mustChangePassword: true,
          // The first admin's password does not expire: it is the only way into a new install.
          tempPasswordExpiresAt: null,
          failedLogins: 0,
          lockedUntil: null,
          disabledAt: null,
          createdAt: now,
          updatedAt: now,
          lastLoginAt: null,
        });
        await this.audit.append(m, {
          actorType: 'system',
          actor: BOOTSTRAP_ACTOR,
          action: AuditAction.OperatorCreated,
          subject: BOOTSTRAP_OPERATOR,
          details: {
            role: 'admin',
            passwordSource,
            passwordFile: fromEnv === undefined ? file : undefined,
          },
        });
        if (fromEnv === undefined) {
          // A file left from an earlier database holds a password nobody can use: replace it.
          rmSync(file, { force: true });
          writeSecretFile(file, `${password}\n`);
          wroteFile = true;
        }
      });
    } catch (err) {
      if (wroteFile) rmSync(file, { force: true });
      if (err instanceof AlreadyBootstrapped || isUniqueViolation(err)) return { created: false };
      throw err;
    }
    return {
      created: true,
      username: BOOTSTRAP_OPERATOR,
      passwordSource,
      passwordFile: fromEnv === undefined ? file : undefined,
    };
  }

  /**
   * Creates an operator with a one-time password (must be changed at first login). Audited as
   * `operator.created`.
   *
   * @throws DomainError `invalid_username`, `invalid_request` (role), `conflict` (exists)
   */
  async create(
    username: string,
    role: OperatorRole,
    actor: Actor,
  ): Promise<IssuedOperatorPassword> {
    assertActor(actor);
    assertRole(role);
    const name = normalizeUsername(username);
    assertValidUsername(name);
    if (await this.ds.getRepository(OperatorEntity).existsBy({ username: name }))
      throw this.exists(name);
    const now = new Date(this.clock.now());
    const issued = await this.core.temporaryCredential(now);
    try {
      await this.runner.run(async (m) => {
        await m.insert(OperatorEntity, {
          username: name,
          passwordHash: issued.passwordHash,
          role,
          mustChangePassword: true,
          tempPasswordExpiresAt: issued.expiresAt,
          failedLogins: 0,
          lockedUntil: null,
          disabledAt: null,
          createdAt: now,
          updatedAt: now,
          lastLoginAt: null,
        });
        // Failures counted on the name before it had an account no longer count.
        await this.core.lockout.clear(m, 'operator', name);
        await this.audit.append(m, {
          actorType: actor.type,
          actor: actor.name,
          action: AuditAction.OperatorCreated,
          subject: name,
          details: { role, temporaryPasswordExpiresAt: issued.expiresAt.toISOString() },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw this.exists(name);
      throw err;
    }
    return {
      username: name,
      role,
      temporaryPassword: issued.temporaryPassword,
      temporaryPasswordExpiresAt: issued.expiresAt,
    };
  }

  /**
   * Checks an operator login, exactly like a user login: unknown, disabled and wrong-password
   * logins all fail with `invalid_credentials` after one bcrypt; locked operators (and unknown
   * names that failed as often) get `too_many_attempts` before any bcrypt.
   *
   * @param client who is trying (e.g. the address), for the audit trail.
   * @throws DomainError `invalid_credentials`, `too_many_attempts` (with `retryAfterSeconds`)
   */
  async authenticate(
    username: string,
    password: string,
    client: string,
  ): Promise<AuthenticatedOperator> {
    const op = await this.core.authenticate(this.policy, username, password, client);
    return {
      operatorId: op.id,
      username: op.username,
      role: op.role,
      mustChangePassword: op.mustChangePassword,
    };
  }

  /**
   * Replaces an operator's password ({@link CredentialCore.changePassword}) and revokes every
   * session of the operator in the same transaction (they log in again). Audited as
   * `operator.password_changed`. Once the bootstrap `admin` has chosen a password, the file with
   * the generated one is removed.
   *
   * @throws DomainError `invalid_credentials`, `too_many_attempts`, `weak_password`
   */
  async changePassword(
    operatorId: number,
    currentPassword: string,
    newPassword: string,
    client = 'unknown',
  ): Promise<{ revokedSessions: number }> {
    const { record, endedSessions } = await this.core.changePassword(
      this.policy,
      operatorId,
      currentPassword,
      newPassword,
      client,
    );
    if (record.username === BOOTSTRAP_OPERATOR) rmSync(this.initialPasswordFile, { force: true });
    return { revokedSessions: endedSessions ?? 0 };
  }

  /**
   * Issues a new one-time password (must be changed at next login, expires like users'), clears
   * failures and any lock, and revokes the operator's sessions. Does not enable a disabled
   * operator. Audited as `operator.password_reset`.
   *
   * @throws DomainError `not_found`
   */
  async resetPassword(username: string, actor: Actor): Promise<IssuedOperatorPassword> {
    const { record, temporaryPassword, temporaryPasswordExpiresAt } = await this.core.resetPassword(
      this.policy,
      username,
      actor,
      notFound,
    );
    return {
      username: record.username,
      role: record.role,
      temporaryPassword,
      temporaryPasswordExpiresAt,
    };
  }

  /**
   * Ends every lock of the operator and forgets their failed logins, from every address (so a
   * locked-out `admin` can be let in from `dss-admin`). Audited as `operator.unlocked`.
   *
   * @throws DomainError `not_found`
   */
  async unlock(username: string, actor: Actor): Promise<OperatorChange> {
    const { changed, record } = await this.core.unlock(this.policy, username, actor, notFound);
    const fresh = await this.ds.getRepository(OperatorEntity).findOneByOrFail({ id: record.id });
    return { changed, operator: toSummary(fresh, this.clock.now()), revokedSessions: 0 };
  }

  /**
   * Disables an operator and revokes their sessions. Idempotent. The last enabled admin cannot be
   * disabled (nobody could undo it from the API). Audited as `operator.disabled`.
   *
   * @throws DomainError `not_found`, `conflict` (last enabled admin)
   */
  disable(username: string, actor: Actor): Promise<OperatorChange> {
    return this.change(username, actor, AuditAction.OperatorDisabled, async (m, op, now) => {
      if (op.disabledAt !== null) return {};
      if (op.role === 'admin') {
        const admins = await m.find(OperatorEntity, {
          where: { role: 'admin', disabledAt: IsNull() },
          lock: this.runner.rowLock(),
        });
        if (admins.every((a) => a.id === op.id)) {
          throw new DomainError(ErrorCode.Conflict, 'the last enabled admin cannot be disabled');
        }
      }
      return { disabledAt: now };
    });
  }

  /**
   * Enables an operator and clears failures and any lock. Idempotent. Audited as
   * `operator.enabled`.
   *
   * @throws DomainError `not_found`
   */
  enable(username: string, actor: Actor): Promise<OperatorChange> {
    return this.change(username, actor, AuditAction.OperatorEnabled, async (m, op, now) => {
      const cleared = await this.core.clearLockout(m, this.policy, op.username, now);
      return {
        ...(op.disabledAt !== null ? { disabledAt: null } : {}),
        ...(cleared > 0 || op.failedLogins !== 0 ? { failedLogins: 0 } : {}),
        ...(op.lockedUntil !== null ? { lockedUntil: null } : {}),
      };
    });
  }

  /**
   * One page of operators ordered by username.
   *
   * @throws DomainError `invalid_request` for a bad role, offset or limit
   */
  async list(query: ListOperatorsQuery = {}): Promise<OperatorPage> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_PAGE;
    assertPage(offset, limit, MAX_PAGE);
    if (query.role !== undefined) assertRole(query.role);
    const [rows, total] = await this.ds.getRepository(OperatorEntity).findAndCount({
      where: query.role === undefined ? {} : { role: query.role },
      order: { username: 'ASC' },
      skip: offset,
      take: limit,
    });
    const now = this.clock.now();
    return { items: rows.map((r) => toSummary(r, now)), total };
  }

  /**
   * One operator.
   *
   * @throws DomainError `not_found`
   */
  async get(username: string): Promise<OperatorSummary> {
    const op = await this.ds
      .getRepository(OperatorEntity)
      .findOneBy({ username: this.lookupName(username) });
    if (!op) throw notFound();
    return toSummary(op, this.clock.now());
  }

  // ---------------------------------------------------------------- internals

  private async change(
    username: string,
    actor: Actor,
    action: AuditAction,
    patchOf: (m: EntityManager, op: OperatorEntity, now: Date) => Promise<Partial<OperatorEntity>>,
  ): Promise<OperatorChange> {
    assertActor(actor);
    const name = this.lookupName(username);
    return this.runner.run(async (m) => {
      const op = await this.lockByName(m, name);
      const now = new Date(this.clock.now());
      const patch = await patchOf(m, op, now);
      const fields = Object.keys(patch).sort();
      const changed = fields.length > 0;
      let revokedSessions = 0;
      if (changed) {
        Object.assign(op, patch, { updatedAt: now });
        await m.update(OperatorEntity, { id: op.id }, { ...patch, updatedAt: now });
        if (op.disabledAt !== null) revokedSessions = await this.revokeSessions(m, op.id, now);
      }
      await this.audit.append(m, {
        actorType: actor.type,
        actor: actor.name,
        action,
        subject: name,
        details: { changed, fields, revokedSessions },
      });
      return { changed, operator: toSummary(op, now.getTime()), revokedSessions };
    });
  }

  /** Ends every live session of an operator; returns how many. */
  private async revokeSessions(m: EntityManager, operatorId: number, now: Date): Promise<number> {
    const result = await m.update(
      OperatorSessionEntity,
      { operatorId, revokedAt: IsNull() },
      { revokedAt: now },
    );
    return result.affected ?? 0;
  }

  private lookupName(username: string): string {
    const name = normalizeUsername(username);
    if (!isValidUsername(name)) throw notFound();
    return name;
  }

  private async lockByName(m: EntityManager, username: string): Promise<OperatorEntity> {
    const op = await m.findOne(OperatorEntity, {
      where: { username },
      lock: this.runner.rowLock(),
    });
    if (!op) throw notFound();
    return op;
  }

  private exists(username: string): DomainError {
    return new DomainError(ErrorCode.Conflict, `operator ${username} already exists`);
  }
}
