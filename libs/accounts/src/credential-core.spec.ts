import { randomBytes } from 'node:crypto';
import { AuditAction, AuditService } from '@dss/audit';
import { ErrorCode, ManualClock } from '@dss/common';
import { type DssConfig, loadConfig } from '@dss/config';
import { AuditEventEntity, openDataSource, TransactionRunner } from '@dss/persistence';
import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { domainErrorOf } from '@dss/testing/thrown';
import { type Actor } from './account.types';
import { AccountsService } from './accounts.service';
import { CredentialCore } from './credential-core';
import { type AccountKind, type LoginMetrics } from './login-metrics';
import { OperatorsService } from './operators.service';
import { PasswordHasher } from './password-hasher';

const HOUR = 3_600_000;
const MAX_FAILURES = 5;
const ACCOUNT_MAX_FAILURES = 12;
const LOCK_SECONDS = 60;
const TTL_HOURS = 24;
const admin: Actor = { type: 'operator', name: 'root-admin' };
const PASSWORD = 'correct-Staple-Wombat-93';
const OWNER = '127.0.0.1';
const ATTACKER = '127.0.0.2';

/** The real hasher, counting the passwords it checks and able to hold them (a burst in flight). */
class CountingHasher extends PasswordHasher {
  verified = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  override async verify(password: string, hash: string): Promise<boolean> {
    this.verified += 1;
    if (this.gate) await this.gate;
    return super.verify(password, hash);
  }
}

const domainError = domainErrorOf;

/** Waits until `check` holds, yielding to I/O in between (no timers: the clock is manual). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  if (!check()) throw new Error('condition never held');
}

/** One kind of account as the parameterised suite drives it. */
interface KindDriver {
  kind: AccountKind;
  table: 'users' | 'operators';
  create(name: string): Promise<{ temporaryPassword: string }>;
  login(name: string, password: string, client: string): Promise<unknown>;
  change(name: string, current: string, next: string, client?: string): Promise<unknown>;
  unlock(name: string): Promise<{ changed: boolean }>;
  status(name: string): Promise<{ status: string; failedLogins: number }>;
  actions: { failed: AuditAction; locked: AuditAction; unlocked: AuditAction };
}

describe.each<AccountKind>(['user', 'operator'])('credential core: %s accounts', (kindName) => {
  let db: TestDatabase;
  let ds: DataSource;
  let runner: TransactionRunner;
  let clock: ManualClock;
  let audit: AuditService;
  let hasher: CountingHasher;
  let config: DssConfig;
  let driver: KindDriver;
  const metrics: { attempts: string[]; locks: string[] } = { attempts: [], locks: [] };
  const recording: LoginMetrics = {
    attempt: (kind, outcome) => metrics.attempts.push(`${kind}:${outcome}`),
    lockStarted: (kind, scope) => metrics.locks.push(`${kind}:${scope}`),
  };

  const idOf = async (name: string): Promise<number> => {
    const [row] = await ds.query<{ id: number }[]>(
      `SELECT id FROM ${driver.table} WHERE username = ?`,
      [name],
    );
    return Number(row.id);
  };

  /** Builds the services of this kind over one core, as the module does. */
  const build = (c: DssConfig, h: PasswordHasher): KindDriver => {
    const core = new CredentialCore(ds, runner, audit, h, clock, c, recording);
    if (kindName === 'user') {
      const accounts = new AccountsService(ds, runner, audit, core, clock);
      return {
        kind: 'user',
        table: 'users',
        create: (name) => accounts.register(name, admin),
        login: (name, password, client) => accounts.authenticate(name, password, client),
        change: async (name, current, next, client) =>
          accounts.changePassword(await idOf(name), current, next, client),
        unlock: (name) => accounts.unlock(name, admin),
        status: (name) => accounts.get(name),
        actions: {
          failed: AuditAction.LoginFailed,
          locked: AuditAction.AccountLocked,
          unlocked: AuditAction.UserUnlocked,
        },
      };
    }
    const operators = new OperatorsService(ds, runner, audit, h, core, clock, c);
    return {
      kind: 'operator',
      table: 'operators',
      create: (name) => operators.create(name, 'admin', admin),
      login: (name, password, client) => operators.authenticate(name, password, client),
      change: async (name, current, next, client) =>
        operators.changePassword(await idOf(name), current, next, client),
      unlock: (name) => operators.unlock(name, admin).then((c) => ({ changed: c.changed })),
      status: (name) => operators.get(name),
      actions: {
        failed: AuditAction.OperatorLoginFailed,
        locked: AuditAction.OperatorLocked,
        unlocked: AuditAction.OperatorUnlocked,
      },
    };
  };

  /** An account whose password is {@link PASSWORD}. */
  const activeAccount = async (name: string): Promise<void> => {
    const { temporaryPassword } = await driver.create(name);
    await driver.change(name, temporaryPassword, PASSWORD);
  };

  const events = async (action: AuditAction) =>
    (
      await ds.getRepository(AuditEventEntity).find({ where: { action }, order: { seq: 'ASC' } })
    ).map((e) => ({
      ...e,
      details: JSON.parse(e.details ?? '{}') as Record<string, unknown>,
    }));

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    runner = new TransactionRunner(ds);
    clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
    audit = new AuditService(runner, clock);
    hasher = new CountingHasher(randomBytes(32), 10);
    config = loadConfig(
      {
        DSS_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
        DSS_LOGIN_ACCOUNT_MAX_FAILURES: String(ACCOUNT_MAX_FAILURES),
        DSS_LOGIN_LOCKOUT_SECONDS: String(LOCK_SECONDS),
        DSS_TEMP_PASSWORD_TTL_HOURS: String(TTL_HOURS),
        DSS_BCRYPT_COST: '10',
      },
      db.dataDir,
    );
    driver = build(config, hasher);
  });

  afterAll(async () => {
    if (ds?.isInitialized) {
      expect(await audit.verify(ds.manager)).toMatchObject({ valid: true });
      await ds.destroy();
    }
    await hasher?.close();
    await db?.drop();
  });

  it('checks exactly the configured number of a 40-attempt burst, then locks; a right password in the burst is refused', async () => {
    await activeAccount('burst.one');
    hasher.verified = 0;
    hasher.hold();
    const burst = Array.from({ length: 40 }, (_, i) =>
      domainError(driver.login('burst.one', `wrong guess number ${i}`, ATTACKER)),
    );
    // The first MAX_FAILURES reserved their failure and wait in bcrypt; the rest were refused.
    await until(() => hasher.verified === MAX_FAILURES);
    const late = await domainError(driver.login('burst.one', PASSWORD, ATTACKER));
    hasher.release();
    const answers = await Promise.all(burst);
    expect(hasher.verified).toBe(MAX_FAILURES);
    expect(answers.filter((e) => e.code === ErrorCode.InvalidCredentials)).toHaveLength(
      MAX_FAILURES,
    );
    expect(answers.filter((e) => e.code === ErrorCode.TooManyAttempts)).toHaveLength(
      40 - MAX_FAILURES,
    );
    expect(late.code).toBe(ErrorCode.TooManyAttempts);
    expect(late.details.retryAfterSeconds).toBe(LOCK_SECONDS);
    // Still locked after the burst, for the right password too.
    expect((await domainError(driver.login('burst.one', PASSWORD, ATTACKER))).code).toBe(
      ErrorCode.TooManyAttempts,
    );
    expect(await driver.status('burst.one')).toMatchObject({
      status: 'locked',
      failedLogins: MAX_FAILURES,
    });
    expect(metrics.locks).toContain(`${kindName}:client`);
  });

  it('lets the owner in from another address while an attacker keeps failing', async () => {
    await activeAccount('owner.one');
    for (let round = 0; round < 6; round++) {
      // The attacker tries until refused, waits out the lock, and tries again.
      for (let i = 0; i < MAX_FAILURES + 2; i++) {
        await driver.login('owner.one', `attacker guess ${round}/${i}`, ATTACKER).catch(() => 0);
      }
      await expect(driver.login('owner.one', PASSWORD, OWNER)).resolves.toBeDefined();
      // The attacker's address stays locked, even for the right password.
      expect((await domainError(driver.login('owner.one', PASSWORD, ATTACKER))).code).toBe(
        ErrorCode.TooManyAttempts,
      );
      clock.advance(HOUR);
    }
    const locks = await events(driver.actions.locked);
    expect(locks.filter((e) => e.subject === 'owner.one').length).toBeGreaterThanOrEqual(6);
    expect(
      locks.filter((e) => e.subject === 'owner.one').every((e) => e.details?.scope === 'client'),
    ).toBe(true);
  });

  it('locks a name everywhere after the account-wide ceiling; an admin unlocks it', async () => {
    await activeAccount('spread.one');
    for (let i = 0; i < ACCOUNT_MAX_FAILURES; i++) {
      await domainError(driver.login('spread.one', 'distributed guess 1', `10.0.0.${i}`));
    }
    const locked = await domainError(driver.login('spread.one', PASSWORD, OWNER));
    expect(locked.code).toBe(ErrorCode.TooManyAttempts);
    const wide = (await events(driver.actions.locked)).filter(
      (e) => e.subject === 'spread.one' && e.details?.scope === 'account',
    );
    expect(wide).toHaveLength(1);
    expect(await driver.unlock('spread.one')).toMatchObject({ changed: true });
    expect(await driver.unlock('spread.one')).toMatchObject({ changed: false });
    await expect(driver.login('spread.one', PASSWORD, OWNER)).resolves.toBeDefined();
    const unlocks = (await events(driver.actions.unlocked)).filter(
      (e) => e.subject === 'spread.one',
    );
    expect(unlocks.map((e) => e.details?.changed)).toEqual([true, false]);
    expect(unlocks[0]).toMatchObject({ actorType: 'operator', actor: admin.name });
  });

  it('locks unknown names exactly like real ones, in the database (across instances)', async () => {
    await activeAccount('real.one');
    for (let i = 0; i < MAX_FAILURES; i++) {
      await domainError(driver.login('real.one', 'wrong password 12', ATTACKER));
      await domainError(driver.login('ghost.one', 'wrong password 12', ATTACKER));
    }
    // A second instance (a restart, or another node) sees the same locks.
    const other = build(config, hasher);
    const real = await domainError(other.login('real.one', 'wrong password 12', ATTACKER));
    const ghost = await domainError(other.login('ghost.one', 'wrong password 12', ATTACKER));
    expect(ghost.toBody()).toEqual(real.toBody());
    expect(ghost.code).toBe(ErrorCode.TooManyAttempts);
    const failures = (await events(driver.actions.failed)).filter((e) => e.actor === 'ghost.one');
    expect(failures.at(-1)).toMatchObject({
      subject: null,
      details: { reason: 'unknown_account' },
    });
  });

  it('expires temporary passwords after the configured time', async () => {
    const { temporaryPassword } = await driver.create('temp.one');
    clock.advance(TTL_HOURS * HOUR - 1000);
    await expect(driver.login('temp.one', temporaryPassword, OWNER)).resolves.toMatchObject({
      mustChangePassword: true,
    });
    clock.advance(2000);
    expect((await domainError(driver.login('temp.one', temporaryPassword, OWNER))).code).toBe(
      ErrorCode.InvalidCredentials,
    );
    const last = (await events(driver.actions.failed)).at(-1);
    expect(last).toMatchObject({ subject: 'temp.one', details: { reason: 'expired_temporary' } });
  });

  it('counts a wrong current password in a password change as a failed login', async () => {
    await activeAccount('change.one');
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(
        (
          await domainError(
            driver.change('change.one', 'not my password 1', 'Other-Phrase-4477', ATTACKER),
          )
        ).code,
      ).toBe(ErrorCode.InvalidCredentials);
    }
    expect(
      (await domainError(driver.change('change.one', PASSWORD, 'Other-Phrase-4477', ATTACKER)))
        .code,
    ).toBe(ErrorCode.TooManyAttempts);
    await expect(
      driver.change('change.one', PASSWORD, 'Other-Phrase-4477', OWNER),
    ).resolves.not.toThrow();
  });

  describe('passwords (NIST SP 800-63B)', () => {
    const weak = async (name: string, password: string): Promise<string> => {
      const e = await domainError(driver.change(name, PASSWORD, password));
      expect(e.code).toBe(ErrorCode.WeakPassword);
      return e.message;
    };

    it('rejects lone surrogates, control characters and invisible padding with a reason', async () => {
      await activeAccount('rules.one');
      expect(await weak('rules.one', 'Valid-Looking\ud800Phrase')).toMatch(/lone surrogate/);
      expect(await weak('rules.one', 'Valid-Looking\tPhrase')).toMatch(/control characters/);
      expect(await weak('rules.one', `a${'\u200b'.repeat(11)}`)).toMatch(/invisible/);
      expect(await weak('rules.one', `x${'\u200b'.repeat(6)}Zq9#mLx`)).toMatch(
        /visible characters/,
      );
      expect(await weak('rules.one', `Valid-Looking-Phrase\u200b`)).toMatch(/invisible/);
      // Still the old password: none of those was taken.
      await expect(driver.login('rules.one', PASSWORD, OWNER)).resolves.toBeDefined();
    });

    it('normalises to NFKC: composed, decomposed and compatibility forms are one password', async () => {
      await activeAccount('nfkc.one');
      const composed = 'Caf\u00e9-Cr\u00e8me-Br\u00fbl\u00e9e-42';
      const decomposed = composed.normalize('NFD');
      await driver.change('nfkc.one', PASSWORD, decomposed);
      await expect(driver.login('nfkc.one', composed, OWNER)).resolves.toBeDefined();
      await expect(driver.login('nfkc.one', decomposed, OWNER)).resolves.toBeDefined();
      // Full-width digits are their ASCII digits under NFKC.
      await driver.change(
        'nfkc.one',
        composed,
        'Caf\u00e9-Cr\u00e8me-Br\u00fbl\u00e9e-\uff14\uff12!',
      );
      await expect(
        driver.login('nfkc.one', 'Caf\u00e9-Cr\u00e8me-Br\u00fbl\u00e9e-42!', OWNER),
      ).resolves.toBeDefined();
    });

    it('does not read two different lone surrogates as one password', async () => {
      await activeAccount('surrogate.one');
      // As the service stored such a password before lone surrogates were rejected.
      const old = await hasher.hash('Old-Phrase-\ud800-1234');
      await ds.query(`UPDATE ${driver.table} SET password_hash = ? WHERE username = ?`, [
        old,
        'surrogate.one',
      ]);
      expect(
        (await domainError(driver.login('surrogate.one', 'Old-Phrase-\udc00-1234', OWNER))).code,
      ).toBe(ErrorCode.InvalidCredentials);
    });

    it('still accepts a hash made before normalisation (normalising is a no-op for it)', async () => {
      await activeAccount('legacy.one');
      // As the service stored a new password before the policy normalised: the string as typed.
      const typed = 'Cafe\u0301-Cre\u0300me-Legacy-77';
      const legacy = await hasher.hash(typed);
      await ds.query(`UPDATE ${driver.table} SET password_hash = ? WHERE username = ?`, [
        legacy,
        'legacy.one',
      ]);
      await expect(driver.login('legacy.one', typed, OWNER)).resolves.toBeDefined();
      await expect(
        driver.login('legacy.one', typed.normalize('NFC'), OWNER),
      ).resolves.toBeDefined();
      const [row] = await ds.query<{ password_hash: string }[]>(
        `SELECT password_hash FROM ${driver.table} WHERE username = ?`,
        ['legacy.one'],
      );
      expect(row.password_hash).toBe(legacy);
    });
  });

  it('reports attempts to the metrics hook', () => {
    expect(metrics.attempts).toEqual(
      expect.arrayContaining([`${kindName}:success`, `${kindName}:failure`, `${kindName}:locked`]),
    );
  });
});
