import { type Clock } from '@dss/common';
import { type DssConfig } from '@dss/config';
import { ACCOUNT_WIDE_CLIENT, LoginFailureEntity, type TransactionRunner } from '@dss/persistence';
import { type DataSource, type EntityManager } from 'typeorm';
import { type AccountKind } from './login-metrics';
import {
  type FailureOutcome,
  type LockoutPolicy,
  lockoutPolicyOf,
  nextFailure,
  retryAfterSeconds,
} from './login-throttle';

/** Longest stored login name, in code points (the `account` column). */
const MAX_ACCOUNT_CHARS = 128;
/** Longest stored client, in code points (the `client` column; an IPv6 address is 45). */
const MAX_CLIENT_CHARS = 64;
/**
 * Observation window (OWASP Authentication Cheat Sheet, "Account Lockout"): failures older than
 * this, with no lock running, no longer count; such rows are pruned.
 */
export const FAILURE_WINDOW_MS = 24 * 3_600_000;
/** Pruning runs at most this often per process. */
const PRUNE_EVERY_MS = 10 * 60_000;

function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : chars.slice(0, max).join('');
}

/** The two counters of a login: per (name, client address) and for the name as a whole. */
export interface LockoutPolicies {
  /** `DSS_LOGIN_MAX_FAILURES` from one address, then locks doubling from `DSS_LOGIN_LOCKOUT_SECONDS`. */
  readonly perClient: LockoutPolicy;
  /** `DSS_LOGIN_ACCOUNT_MAX_FAILURES` from all addresses together, same doubling. */
  readonly account: LockoutPolicy;
}

/** The lockout policies of a configuration. */
export function lockoutPoliciesOf(
  config: Pick<DssConfig, 'loginMaxFailures' | 'loginLockoutSeconds' | 'loginAccountMaxFailures'>,
): LockoutPolicies {
  const perClient = lockoutPolicyOf(config);
  const account = lockoutPolicyOf({
    loginMaxFailures: config.loginAccountMaxFailures,
    loginLockoutSeconds: config.loginLockoutSeconds,
  });
  if (account.maxFailures < perClient.maxFailures) {
    throw new RangeError('loginAccountMaxFailures must be at least loginMaxFailures');
  }
  return { perClient, account };
}

/** The key of one name's counters. */
export interface LockoutKey {
  kind: AccountKind;
  /** The normalised name as typed, whether or not an account has it. */
  account: string;
  /** The client address. */
  client: string;
}

/** A failure counted before the password is checked: undone by {@link LoginLockout.succeeded}. */
export interface Reservation {
  key: LockoutKey;
  client: FailureOutcome;
  account: FailureOutcome;
}

/** The answer of {@link LoginLockout.reserve}. */
export type ReserveResult =
  { reserved: true; reservation: Reservation } | { reserved: false; retryAfterSeconds: number };

/** What the admin side shows of a name's lockout. */
export interface LockoutState {
  /** Account-wide consecutive failures. */
  failures: number;
  /** End of the latest running lock (any address), or null. */
  lockedUntil: Date | null;
}

/**
 * Failed-login counters and locks, in the database (`login_failures`), so that every instance
 * sees them and they survive restarts, for names with and without an account alike.
 *
 * An attempt first *reserves* a failure: in one transaction, with the name's rows locked (FOR
 * UPDATE on MySQL, the write lock on SQLite), it refuses if either counter is locked, else counts
 * the failure and starts a lock when due. Only then is the password checked; success undoes the
 * count. So however many attempts run at once, at most `maxFailures` of them from one address
 * reach bcrypt before the lock applies.
 */
export class LoginLockout {
  readonly policies: LockoutPolicies;
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ds: DataSource,
    private readonly runner: TransactionRunner,
    private readonly clock: Clock,
    config: Pick<DssConfig, 'loginMaxFailures' | 'loginLockoutSeconds' | 'loginAccountMaxFailures'>,
  ) {
    this.policies = lockoutPoliciesOf(config);
  }

  /** The stored key of a login attempt (name and client cut to their column sizes). */
  keyOf(kind: AccountKind, account: string, client: string): LockoutKey {
    const from = truncate(client, MAX_CLIENT_CHARS);
    return {
      kind,
      account: truncate(account, MAX_ACCOUNT_CHARS),
      // The account-wide row's marker is never a client.
      client: from === ACCOUNT_WIDE_CLIENT || from === '' ? 'unknown' : from,
    };
  }

  /**
   * Counts a failure in advance, or refuses while a lock runs. `mirror` runs in the same
   * transaction with the name's state afterwards (to show it on the account row).
   */
  async reserve(
    key: LockoutKey,
    mirror: (m: EntityManager, state: LockoutState) => Promise<void>,
  ): Promise<ReserveResult> {
    // MySQL: create the rows first, committed on their own, so that the transaction only takes
    // X locks (INSERT IGNORE of an existing row takes an S lock, and two S holders wanting X
    // deadlock). In a run of its own rather than in autocommit, so that a deadlock of the insert
    // itself with concurrent inserts into the unique index is run again, not answered.
    if (this.runner.engine === 'mysql') await this.runner.run((m) => this.ensureRows(m, key));
    return this.runner.run(async (m) => {
      if (this.runner.engine === 'sqlite') await this.ensureRows(m, key);
      const now = this.clock.now();
      await this.prune(m, key, now);
      const rows = await this.lockRows(m, key);
      const wide = rows.find((r) => r.client === ACCOUNT_WIDE_CLIENT);
      const mine = rows.find((r) => r.client === key.client);
      if (!wide || !mine) throw new Error('login_failures rows missing after insert');
      const wait = Math.max(
        retryAfterSeconds(wide.lockedUntil, now),
        retryAfterSeconds(mine.lockedUntil, now),
      );
      if (wait > 0) return { reserved: false, retryAfterSeconds: wait };
      const client = nextFailure(this.previous(mine, now), now, this.policies.perClient);
      const account = nextFailure(this.previous(wide, now), now, this.policies.account);
      await this.write(m, mine, client, now);
      await this.write(m, wide, account, now);
      await mirror(m, await this.stateIn(m, key.kind, key.account, now));
      return { reserved: true, reservation: { key, client, account } };
    });
  }

  /**
   * The password was right: the failures of this address and of the name start again from
   * zero, and their locks end. Runs in the caller's transaction.
   */
  async succeeded(m: EntityManager, key: LockoutKey): Promise<LockoutState> {
    const now = this.clock.now();
    await m
      .createQueryBuilder()
      .update(LoginFailureEntity)
      .set({ failures: 0, lockedUntil: null, updatedAt: new Date(now) })
      .where('kind = :kind AND account = :account AND client IN (:...clients)', {
        kind: key.kind,
        account: key.account,
        clients: [ACCOUNT_WIDE_CLIENT, key.client],
      })
      .execute();
    return this.stateIn(m, key.kind, key.account, now);
  }

  /**
   * Hands back a reservation whose attempt never reached a verdict (a database or bcrypt-queue
   * error): one failure less on both rows, and a lock it started ends.
   */
  async release(key: LockoutKey, reservation: Reservation): Promise<void> {
    await this.runner.run(async (m) => {
      const rows = await this.lockRows(m, key);
      for (const row of rows) {
        const outcome =
          row.client === ACCOUNT_WIDE_CLIENT ? reservation.account : reservation.client;
        const started =
          outcome.lockedUntil !== null && row.lockedUntil?.getTime() === outcome.lockedUntil;
        await m.update(
          LoginFailureEntity,
          { id: row.id },
          { failures: Math.max(0, row.failures - 1), ...(started ? { lockedUntil: null } : {}) },
        );
      }
    });
  }

  /** Forgets every counter and lock of a name (admin Unlock, reset, enable); how many rows. */
  async clear(m: EntityManager, kind: AccountKind, account: string): Promise<number> {
    const result = await m
      .createQueryBuilder()
      .delete()
      .from(LoginFailureEntity)
      .where('kind = :kind AND account = :account', { kind, account })
      .execute();
    return result.affected ?? 0;
  }

  /** The name's lockout now. */
  state(kind: AccountKind, account: string): Promise<LockoutState> {
    return this.stateIn(this.ds.manager, kind, account, this.clock.now());
  }

  /** The name's account-wide row and this client's row, locked for the transaction. */
  private lockRows(m: EntityManager, key: LockoutKey): Promise<LoginFailureEntity[]> {
    return this.runner
      .forUpdate(
        m
          .createQueryBuilder(LoginFailureEntity, 'f')
          .where('f.kind = :kind AND f.account = :account AND f.client IN (:...clients)', {
            kind: key.kind,
            account: key.account,
            clients: [ACCOUNT_WIDE_CLIENT, key.client],
          })
          // One order for every transaction, so two never wait for each other's second row.
          .orderBy('f.client', 'ASC'),
      )
      .getMany();
  }

  private async stateIn(
    m: EntityManager,
    kind: AccountKind,
    account: string,
    now: number,
  ): Promise<LockoutState> {
    const rows = await m.find(LoginFailureEntity, { where: { kind, account } });
    let failures = 0;
    let lockedUntil: Date | null = null;
    for (const row of rows) {
      if (row.client === ACCOUNT_WIDE_CLIENT) failures = this.previous(row, now);
      const until = row.lockedUntil;
      if (until !== null && until.getTime() > now && (!lockedUntil || until > lockedUntil))
        lockedUntil = until;
    }
    return { failures, lockedUntil };
  }

  /** Failures that still count: none once the window has passed without a lock running. */
  private previous(row: LoginFailureEntity, now: number): number {
    return row.updatedAt.getTime() < now - FAILURE_WINDOW_MS ? 0 : row.failures;
  }

  private async write(
    m: EntityManager,
    row: LoginFailureEntity,
    outcome: FailureOutcome,
    now: number,
  ): Promise<void> {
    await m.update(
      LoginFailureEntity,
      { id: row.id },
      {
        failures: outcome.failures,
        lockedUntil: outcome.lockedUntil === null ? null : new Date(outcome.lockedUntil),
        updatedAt: new Date(now),
      },
    );
  }

  private async ensureRows(m: EntityManager, key: LockoutKey): Promise<void> {
    const updatedAt = new Date(this.clock.now());
    await m
      .createQueryBuilder()
      .insert()
      .into(LoginFailureEntity)
      .values(
        [ACCOUNT_WIDE_CLIENT, key.client].map((client) => ({
          kind: key.kind,
          account: key.account,
          client,
          failures: 0,
          lockedUntil: null,
          updatedAt,
        })),
      )
      .orIgnore()
      // Nothing to read back: an ignored row has no new id (TypeORM would throw).
      .updateEntity(false)
      .execute();
  }

  /** Drops rows past the window with no lock running, so sprayed names do not pile up. */
  private async prune(m: EntityManager, keep: LockoutKey, now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await m
      .createQueryBuilder()
      .delete()
      .from(LoginFailureEntity)
      .where('updated_at < :before AND (locked_until IS NULL OR locked_until < :now)', {
        before: new Date(now - FAILURE_WINDOW_MS),
        now: new Date(now),
      })
      // The rows this attempt is about to lock stay (their stale count reads as zero).
      .andWhere('NOT (kind = :kind AND account = :account)', {
        kind: keep.kind,
        account: keep.account,
      })
      .execute();
  }
}
