import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, type AuditEventInput, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { writeSecretFile } from '@dss/keystore';
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
  type FailureOutcome,
  type LockoutPolicy,
  lockoutPolicyOf,
  LoginThrottle,
  nextFailure,
  retryAfterSeconds,
} from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { checkPasswordPolicy } from './password-policy';
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

/** Why an operator login failed: for the audit trail only, never for the wire. */
export type OperatorLoginFailureReason = 'wrong_password' | 'unknown_operator' | 'disabled';

const SYSTEM_ACTOR = 'accounts';
const BOOTSTRAP_ACTOR = 'bootstrap';
const MAX_AUDITED_CHARS = 128;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

class AlreadyBootstrapped extends Error {}

function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : chars.slice(0, max).join('');
}

function invalidCredentials(): DomainError {
  return new DomainError(ErrorCode.InvalidCredentials, 'invalid username or password');
}

function tooManyAttempts(retryAfter: number): DomainError {
  return new DomainError(ErrorCode.TooManyAttempts, 'too many failed attempts; try again later', {
    retryAfterSeconds: retryAfter,
  });
}

function notFound(): DomainError {
  return new DomainError(ErrorCode.NotFound, 'no such operator');
}

function assertActor(actor: Actor): void {
  if (
    typeof actor !== 'object' ||
    actor === null ||
    !['operator', 'system', 'user'].includes(actor.type) ||
    typeof actor.name !== 'string' ||
    actor.name === '' ||
    actor.name.length > MAX_AUDITED_CHARS
  ) {
    throw new TypeError('actor must be { type: operator | system | user, name: 1..128 chars }');
  }
}

function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
}

function assertRole(role: unknown): asserts role is OperatorRole {
  if (!OPERATOR_ROLES.includes(role as OperatorRole)) {
    throw new DomainError(
      ErrorCode.InvalidRequest,
      `role must be one of ${OPERATOR_ROLES.join(', ')}`,
    );
  }
}

function isLocked(op: OperatorEntity, now: number): boolean {
  return op.lockedUntil !== null && op.lockedUntil.getTime() > now;
}

function toSummary(op: OperatorEntity, now: number): OperatorSummary {
  const status: OperatorStatus =
    op.disabledAt !== null
      ? 'disabled'
      : isLocked(op, now)
        ? 'locked'
        : op.mustChangePassword
          ? 'must_change_password'
          : 'active';
  return {
    username: op.username,
    role: op.role,
    status,
    mustChangePassword: op.mustChangePassword,
    failedLogins: op.failedLogins,
    lockedUntil: isLocked(op, now) ? op.lockedUntil : null,
    disabled: op.disabledAt !== null,
    createdAt: op.createdAt,
    updatedAt: op.updatedAt,
    lastLoginAt: op.lastLoginAt,
  };
}

/** What the operator typed, read as a one-time password while they hold one. */
function candidateOf(op: OperatorEntity, password: string): string {
  return op.mustChangePassword ? (canonicalizeTemporaryPassword(password) ?? password) : password;
}

/**
 * Operators of the admin app (DESIGN.md §6): the first-start `admin`, more operators with one-time
 * passwords, login with the same lockout as users, password changes under the users' policy, and
 * disabling. Every change commits with its audit event; a password change, reset or disable also
 * revokes the operator's sessions in the same transaction. Shared by the admin app and `dss-admin`.
 */
@Injectable()
export class OperatorsService {
  private readonly lockout: LockoutPolicy;
  /** Failure counters for names without an operator (no enumeration through lockout). */
  private readonly unknownOperators: LoginThrottle;

  constructor(
    private readonly ds: DataSource,
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
  ) {
    this.lockout = lockoutPolicyOf(config);
    this.unknownOperators = new LoginThrottle(this.lockout, clock);
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
    const passwordHash = await this.hasher.hash(
      canonicalizeTemporaryPassword(password) ?? password,
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
    const temporaryPassword = generateTemporaryPassword();
    const passwordHash = await this.hasher.hash(temporaryPassword);
    try {
      await this.runner.run(async (m) => {
        const now = new Date(this.clock.now());
        await m.insert(OperatorEntity, {
          username: name,
          passwordHash,
          role,
          mustChangePassword: true,
          failedLogins: 0,
          lockedUntil: null,
          disabledAt: null,
          createdAt: now,
          updatedAt: now,
          lastLoginAt: null,
        });
        await this.audit.append(m, {
          actorType: actor.type,
          actor: actor.name,
          action: AuditAction.OperatorCreated,
          subject: name,
          details: { role },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw this.exists(name);
      throw err;
    }
    return { username: name, role, temporaryPassword };
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
    assertString(username, 'username');
    assertString(password, 'password');
    assertString(client, 'client');
    const name = normalizeUsername(username);
    const op = isValidUsername(name) ? await this.findWithHash({ username: name }) : null;
    const from = truncate(client, MAX_AUDITED_CHARS);
    if (!op) return this.failUnknown(name, password, from);

    const wait = retryAfterSeconds(op.lockedUntil, this.clock.now());
    if (wait > 0) throw tooManyAttempts(wait);
    const candidate = candidateOf(op, password);
    const verified = await this.hasher.verify(candidate, op.passwordHash);
    const rehash =
      verified && op.disabledAt === null
        ? await this.hasher.upgradedHash(candidate, op.passwordHash)
        : undefined;
    const result = await this.runner.run(async (m) => {
      const fresh = await this.lockById(m, op.id);
      if (!fresh) return null;
      const reason: OperatorLoginFailureReason | null =
        fresh.disabledAt !== null
          ? 'disabled'
          : !verified || fresh.passwordHash !== op.passwordHash
            ? 'wrong_password'
            : null;
      if (reason !== null) {
        await this.recordFailure(m, fresh, reason, { client: from });
        return null;
      }
      const now = new Date(this.clock.now());
      await m.update(
        OperatorEntity,
        { id: fresh.id },
        {
          failedLogins: 0,
          lockedUntil: null,
          lastLoginAt: now,
          updatedAt: now,
          ...(rehash !== undefined ? { passwordHash: rehash } : {}),
        },
      );
      await this.audit.append(m, {
        actorType: 'operator',
        actor: fresh.username,
        action: AuditAction.OperatorLoginSucceeded,
        subject: fresh.username,
        details: { client: from, role: fresh.role, mustChangePassword: fresh.mustChangePassword },
      });
      return fresh;
    });
    if (!result) throw invalidCredentials();
    return {
      operatorId: result.id,
      username: result.username,
      role: result.role,
      mustChangePassword: result.mustChangePassword,
    };
  }

  /**
   * Replaces an operator's password: the current one is checked first (a wrong one counts as a
   * failed login), then the users' policy. Revokes every session of the operator in the same
   * transaction (they log in again). Audited as `operator.password_changed`. Once the bootstrap
   * `admin` has chosen a password, the file with the generated one is removed.
   *
   * @throws DomainError `invalid_credentials`, `too_many_attempts`, `weak_password`
   */
  async changePassword(
    operatorId: number,
    currentPassword: string,
    newPassword: string,
  ): Promise<{ revokedSessions: number }> {
    if (!Number.isSafeInteger(operatorId) || operatorId < 1)
      throw new TypeError('operatorId must be a positive integer');
    assertString(currentPassword, 'currentPassword');
    assertString(newPassword, 'newPassword');
    const op = await this.findWithHash({ id: operatorId });
    if (!op) {
      await this.hasher.dummyVerify(currentPassword);
      throw invalidCredentials();
    }
    const wait = retryAfterSeconds(op.lockedUntil, this.clock.now());
    if (wait > 0) throw tooManyAttempts(wait);
    const current = candidateOf(op, currentPassword);
    const verified = await this.hasher.verify(current, op.passwordHash);
    if (!verified || op.disabledAt !== null) {
      await this.runner.run(async (m) => {
        const fresh = await this.lockById(m, op.id);
        if (fresh)
          await this.recordFailure(m, fresh, verified ? 'disabled' : 'wrong_password', {
            during: 'password_change',
          });
      });
      throw invalidCredentials();
    }
    checkPasswordPolicy(newPassword, {
      username: op.username,
      currentPassword: current,
      temporaryPassword: op.mustChangePassword ? current : undefined,
    });
    const passwordHash = await this.hasher.hash(newPassword);
    const revokedSessions = await this.runner.run(async (m) => {
      const fresh = await this.lockById(m, op.id);
      if (!fresh || fresh.passwordHash !== op.passwordHash || fresh.disabledAt !== null) {
        throw invalidCredentials();
      }
      const now = new Date(this.clock.now());
      await m.update(
        OperatorEntity,
        { id: fresh.id },
        {
          passwordHash,
          mustChangePassword: false,
          failedLogins: 0,
          lockedUntil: null,
          updatedAt: now,
        },
      );
      const revoked = await this.revokeSessions(m, fresh.id, now);
      await this.audit.append(m, {
        actorType: 'operator',
        actor: fresh.username,
        action: AuditAction.OperatorPasswordChanged,
        subject: fresh.username,
        details: { wasTemporary: fresh.mustChangePassword, revokedSessions: revoked },
      });
      return revoked;
    });
    if (op.username === BOOTSTRAP_OPERATOR) rmSync(this.initialPasswordFile, { force: true });
    return { revokedSessions };
  }

  /**
   * Issues a new one-time password (must be changed at next login), clears failures and any
   * lock, and revokes the operator's sessions. Does not enable a disabled operator. Audited as
   * `operator.password_reset`.
   *
   * @throws DomainError `not_found`
   */
  async resetPassword(username: string, actor: Actor): Promise<IssuedOperatorPassword> {
    assertActor(actor);
    const name = this.lookupName(username);
    if (!(await this.ds.getRepository(OperatorEntity).existsBy({ username: name })))
      throw notFound();
    const temporaryPassword = generateTemporaryPassword();
    const passwordHash = await this.hasher.hash(temporaryPassword);
    return this.runner.run(async (m) => {
      const op = await this.lockByName(m, name);
      const now = new Date(this.clock.now());
      await m.update(
        OperatorEntity,
        { id: op.id },
        {
          passwordHash,
          mustChangePassword: true,
          failedLogins: 0,
          lockedUntil: null,
          updatedAt: now,
        },
      );
      const revoked = await this.revokeSessions(m, op.id, now);
      await this.audit.append(m, {
        actorType: actor.type,
        actor: actor.name,
        action: AuditAction.OperatorPasswordReset,
        subject: name,
        details: { revokedSessions: revoked },
      });
      return { username: name, role: op.role, temporaryPassword };
    });
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
    return this.change(username, actor, AuditAction.OperatorEnabled, (_m, op) =>
      Promise.resolve({
        ...(op.disabledAt !== null ? { disabledAt: null } : {}),
        ...(op.failedLogins !== 0 ? { failedLogins: 0 } : {}),
        ...(op.lockedUntil !== null ? { lockedUntil: null } : {}),
      }),
    );
  }

  /**
   * One page of operators ordered by username.
   *
   * @throws DomainError `invalid_request` for a bad role, offset or limit
   */
  async list(query: ListOperatorsQuery = {}): Promise<OperatorPage> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_PAGE;
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new DomainError(ErrorCode.InvalidRequest, 'offset must be a non-negative integer');
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE)
      throw new DomainError(ErrorCode.InvalidRequest, `limit must be from 1 to ${MAX_PAGE}`);
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

  private async failUnknown(name: string, password: string, client: string): Promise<never> {
    const key = truncate(name, MAX_AUDITED_CHARS);
    const wait = this.unknownOperators.retryAfterSeconds(key);
    if (wait > 0) throw tooManyAttempts(wait);
    await this.hasher.dummyVerify(password);
    const outcome = this.unknownOperators.recordFailure(key);
    const actor = truncate(name, 64) || '(empty)';
    const events: AuditEventInput[] = [
      {
        actorType: 'operator',
        actor,
        action: AuditAction.OperatorLoginFailed,
        subject: null,
        details: {
          reason: 'unknown_operator' satisfies OperatorLoginFailureReason,
          client,
          failedLogins: outcome.failures,
        },
      },
    ];
    if (outcome.lockedUntil !== null)
      events.push(this.lockEvent(null, outcome, { attemptedUsername: actor }));
    await this.audit.record(events);
    throw invalidCredentials();
  }

  private async recordFailure(
    m: EntityManager,
    op: OperatorEntity,
    reason: OperatorLoginFailureReason,
    details: Record<string, string>,
  ): Promise<void> {
    const now = this.clock.now();
    const outcome = nextFailure(op.failedLogins, now, this.lockout);
    await m.update(
      OperatorEntity,
      { id: op.id },
      {
        failedLogins: outcome.failures,
        ...(outcome.lockedUntil !== null ? { lockedUntil: new Date(outcome.lockedUntil) } : {}),
        updatedAt: new Date(now),
      },
    );
    const events: AuditEventInput[] = [
      {
        actorType: 'operator',
        actor: op.username,
        action: AuditAction.OperatorLoginFailed,
        subject: op.username,
        details: { reason, failedLogins: outcome.failures, ...details },
      },
    ];
    if (outcome.lockedUntil !== null) events.push(this.lockEvent(op.username, outcome));
    await this.audit.append(m, events);
  }

  private lockEvent(
    subject: string | null,
    outcome: FailureOutcome,
    extra: Record<string, string> = {},
  ): AuditEventInput {
    return {
      actorType: 'system',
      actor: SYSTEM_ACTOR,
      action: AuditAction.OperatorLocked,
      subject,
      details: {
        lockSeconds: outcome.lockSeconds,
        lockedUntil: new Date(outcome.lockedUntil ?? 0).toISOString(),
        failedLogins: outcome.failures,
        ...extra,
      },
    };
  }

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

  private findWithHash(
    where: { username: string } | { id: number },
  ): Promise<OperatorEntity | null> {
    return this.ds
      .getRepository(OperatorEntity)
      .createQueryBuilder('o')
      .addSelect('o.passwordHash')
      .where(where)
      .getOne();
  }

  private lockById(m: EntityManager, id: number): Promise<OperatorEntity | null> {
    const qb = m.createQueryBuilder(OperatorEntity, 'o').addSelect('o.passwordHash').where({ id });
    return this.runner.forUpdate(qb).getOne();
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
