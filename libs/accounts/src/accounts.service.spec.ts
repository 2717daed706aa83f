import { randomBytes } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuditAction, AuditModule, AuditService } from '@dss/audit';
import { CLOCK, ErrorCode, ManualClock } from '@dss/common';
import { DSS_CONFIG, type DssConfig, loadConfig } from '@dss/config';
import { AuditEventEntity, openDataSource, TransactionRunner, UserEntity } from '@dss/persistence';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { domainErrorOf } from '@dss/testing/thrown';
import { type Actor } from './account.types';
import { AccountsModule } from './accounts.module';
import { AccountsService } from './accounts.service';
import { CredentialCore } from './credential-core';
import { PasswordHasher } from './password-hasher';
import { TEMPORARY_PASSWORD_PATTERN } from './temporary-password';

const HOUR = 3_600_000;
const admin: Actor = { type: 'operator', name: 'root-admin' };
const NEW_PASSWORD = 'correct-Staple-Wombat-93';

const domainError = domainErrorOf;

describe('AccountsService (integration)', () => {
  const newAccounts = (h: PasswordHasher, c: DssConfig): AccountsService =>
    new AccountsService(
      ds,
      runner,
      audit,
      new CredentialCore(ds, runner, audit, h, clock, c),
      clock,
    );
  let db: TestDatabase;
  let ds: DataSource;
  let runner: TransactionRunner;
  let clock: ManualClock;
  let audit: AuditService;
  let hasher: PasswordHasher;
  let config: DssConfig;
  let accounts: AccountsService;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    runner = new TransactionRunner(ds);
    clock = new ManualClock();
    audit = new AuditService(runner, clock);
    hasher = new PasswordHasher(randomBytes(32), 10);
    config = loadConfig(
      { DSS_LOGIN_MAX_FAILURES: '3', DSS_LOGIN_LOCKOUT_SECONDS: '60', DSS_BCRYPT_COST: '10' },
      db.dataDir,
    );
    accounts = newAccounts(hasher, config);
    accounts.onModuleInit();
  });

  afterAll(async () => {
    if (ds?.isInitialized) {
      const chain = await audit.verify(ds.manager);
      expect(chain).toMatchObject({ valid: true, firstInvalidSeq: null });
      expect(chain.checkedEvents).toBeGreaterThan(20);
      await ds.destroy();
    }
    await db?.drop();
  });

  afterEach(() => jest.restoreAllMocks());

  const events = async (subject?: string | null) => {
    const rows = await ds.getRepository(AuditEventEntity).find({ order: { seq: 'ASC' } });
    return rows
      .filter((e) => subject === undefined || e.subject === subject)
      .map((e) => ({
        actorType: e.actorType,
        actor: e.actor,
        action: e.action as AuditAction,
        subject: e.subject,
        details: JSON.parse(e.details) as Record<string, unknown>,
      }));
  };
  const eventCount = () => ds.getRepository(AuditEventEntity).count();
  const row = (username: string) => ds.getRepository(UserEntity).findOneByOrFail({ username });

  /** Registers `username` and sets its password to NEW_PASSWORD (an active account). */
  const activeUser = async (username: string) => {
    const { temporaryPassword } = await accounts.register(username, admin);
    const { userId } = await accounts.authenticate(username, temporaryPassword, 'test');
    await accounts.changePassword(userId, temporaryPassword, NEW_PASSWORD);
    return userId;
  };

  describe('register', () => {
    it('creates a must-change account with a 130-bit temporary password expiring in 7 days', async () => {
      const issued = await accounts.register('  Alice.Smith ', admin);
      expect(issued.username).toBe('alice.smith');
      expect(issued.temporaryPassword).toMatch(TEMPORARY_PASSWORD_PATTERN);
      expect(issued.temporaryPasswordExpiresAt).toEqual(new Date(clock.now() + 168 * HOUR));
      expect(await accounts.get('alice.smith')).toEqual({
        username: 'alice.smith',
        status: 'must_change_password',
        mustChangePassword: true,
        temporaryPasswordExpiresAt: issued.temporaryPasswordExpiresAt,
        failedLogins: 0,
        lockedUntil: null,
        disabled: false,
        keyCreationBlocked: false,
        createdAt: new Date(clock.now()),
        updatedAt: new Date(clock.now()),
      });
      const [event] = await events('alice.smith');
      expect(event).toEqual({
        actorType: 'operator',
        actor: 'root-admin',
        action: AuditAction.UserRegistered,
        subject: 'alice.smith',
        details: { temporaryPasswordExpiresAt: issued.temporaryPasswordExpiresAt.toISOString() },
      });
    });

    it('never stores the temporary password in clear (raw rows of users and audit_events)', async () => {
      const issued = await accounts.register('clear.text.check', admin);
      const variants = [issued.temporaryPassword, issued.temporaryPassword.replace(/-/g, '')];
      for (const table of ['users', 'audit_events']) {
        const text = JSON.stringify(await ds.query(`SELECT * FROM ${table}`));
        for (const v of variants) expect(text).not.toContain(v);
      }
      const raw = await ds.query<{ password_hash: string }[]>(
        "SELECT password_hash FROM users WHERE username = 'clear.text.check'",
      );
      expect(raw[0].password_hash).toMatch(/^\$2b\$10\$/);
    });

    it('refuses a duplicate, in any case, without an audit event', async () => {
      await accounts.register('dup.user', admin);
      const before = await eventCount();
      const err = await domainError(accounts.register('DUP.User', admin));
      expect(err.code).toBe(ErrorCode.UserExists);
      expect(await eventCount()).toBe(before);
    });

    it('lets the unique index decide between concurrent registrations', async () => {
      const results = await Promise.allSettled([
        accounts.register('race.user', admin),
        accounts.register('race.user', admin),
        accounts.register('race.user', admin),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect(r.reason).toMatchObject({ code: ErrorCode.UserExists });
      }
      expect(
        (await events('race.user')).filter((e) => e.action === AuditAction.UserRegistered),
      ).toHaveLength(1);
    });

    it.each(['ab', 'a b', 'x'.repeat(65), 'ålice', 'bob@example.com'])(
      'rejects the username %j',
      async (name) => {
        expect((await domainError(accounts.register(name, admin))).code).toBe(
          ErrorCode.InvalidUsername,
        );
      },
    );

    it('rolls the account back when its audit event cannot be written', async () => {
      const before = await eventCount();
      jest.spyOn(audit, 'append').mockImplementationOnce(async (manager, inputs) => {
        await AuditService.prototype.append.call(audit, manager, inputs);
        throw new Error('disk full');
      });
      await expect(accounts.register('half.done', admin)).rejects.toThrow('disk full');
      expect(await ds.getRepository(UserEntity).existsBy({ username: 'half.done' })).toBe(false);
      expect(await eventCount()).toBe(before);
    });
  });

  describe('authenticate', () => {
    it('logs in with the temporary password, as issued or as typed by hand', async () => {
      const issued = await accounts.register('temp.login', admin);
      const user = await accounts.authenticate('Temp.Login', issued.temporaryPassword, '10.0.0.1');
      expect(user).toEqual({
        userId: expect.any(Number),
        username: 'temp.login',
        mustChangePassword: true,
      });
      const typed = issued.temporaryPassword.toLowerCase().replace(/-/g, ' ');
      await expect(accounts.authenticate('temp.login', typed, '10.0.0.1')).resolves.toMatchObject({
        mustChangePassword: true,
      });
      const last = (await events('temp.login')).at(-1);
      expect(last).toMatchObject({
        actorType: 'user',
        actor: 'temp.login',
        action: AuditAction.LoginSucceeded,
        details: { client: '10.0.0.1', mustChangePassword: true },
      });
    });

    it('answers wrong password, unknown user, disabled and expired temporary identically', async () => {
      await activeUser('victim.one');
      await activeUser('victim.two');
      await accounts.disable('victim.two', admin);
      const expired = await accounts.register('victim.three', admin);

      const wrong = await domainError(accounts.authenticate('victim.one', 'not the password', 'c'));
      const unknown = await domainError(accounts.authenticate('nobody.here', NEW_PASSWORD, 'c'));
      const disabled = await domainError(accounts.authenticate('victim.two', NEW_PASSWORD, 'c'));
      clock.advance(168 * HOUR);
      const late = await domainError(
        accounts.authenticate('victim.three', expired.temporaryPassword, 'c'),
      );
      for (const err of [wrong, unknown, disabled, late]) {
        expect(err.toBody()).toEqual({
          error: { code: 'invalid_credentials', message: 'invalid username or password' },
        });
        expect(err.status).toBe(401);
      }

      const reasons = (await events())
        .filter((e) => e.action === AuditAction.LoginFailed)
        .slice(-4);
      expect(reasons).toEqual([
        expect.objectContaining({
          subject: 'victim.one',
          details: expect.objectContaining({ reason: 'wrong_password', failedLogins: 1 }),
        }),
        expect.objectContaining({
          actor: 'nobody.here',
          subject: null,
          details: expect.objectContaining({ reason: 'unknown_account' }),
        }),
        expect.objectContaining({
          subject: 'victim.two',
          details: expect.objectContaining({ reason: 'disabled' }),
        }),
        expect.objectContaining({
          subject: 'victim.three',
          details: expect.objectContaining({ reason: 'expired_temporary' }),
        }),
      ]);
      expect((await row('victim.one')).failedLogins).toBe(1);
      expect((await row('victim.two')).failedLogins).toBe(1);

      // Enabling and resetting bring the accounts back.
      await accounts.enable('victim.two', admin);
      await expect(accounts.authenticate('victim.two', NEW_PASSWORD, 'c')).resolves.toMatchObject({
        mustChangePassword: false,
      });
      const reset = await accounts.resetPassword('victim.three', admin);
      await expect(
        accounts.authenticate('victim.three', reset.temporaryPassword, 'c'),
      ).resolves.toMatchObject({
        mustChangePassword: true,
      });
    });

    it('spends one bcrypt on every path (a dummy one for unknown users)', async () => {
      await activeUser('timing.user');
      const verify = jest.spyOn(hasher, 'verify');
      const dummy = jest.spyOn(hasher, 'dummyVerify');
      await domainError(accounts.authenticate('timing.user', 'wrong wrong wrong', 'c'));
      await domainError(accounts.authenticate('timing.nobody', 'wrong wrong wrong', 'c'));
      await domainError(accounts.authenticate('not a valid name!', 'wrong wrong wrong', 'c'));
      expect(verify).toHaveBeenCalledTimes(1);
      expect(dummy).toHaveBeenCalledTimes(2);
    });

    it('truncates an attempted unknown username to 64 characters in the audit trail', async () => {
      const long = `u${'x'.repeat(200)}`;
      await domainError(accounts.authenticate(long, 'whatever it is', 'c'));
      const last = (await events()).filter((e) => e.action === AuditAction.LoginFailed).at(-1);
      expect(last?.actor).toBe(long.slice(0, 64));
      expect(last?.subject).toBeNull();
    });

    it('locks after 3 failures, checks the lock before bcrypt, and doubles the lock', async () => {
      await activeUser('locked.user');
      for (let i = 0; i < 2; i++) {
        expect(
          (await domainError(accounts.authenticate('locked.user', 'bad guess 1234', 'c'))).code,
        ).toBe(ErrorCode.InvalidCredentials);
      }
      const third = await domainError(accounts.authenticate('locked.user', 'bad guess 1234', 'c'));
      expect(third.code).toBe(ErrorCode.InvalidCredentials);
      expect((await events('locked.user')).at(-1)).toEqual({
        actorType: 'system',
        actor: 'accounts',
        action: AuditAction.AccountLocked,
        subject: 'locked.user',
        details: {
          scope: 'client',
          client: 'c',
          lockSeconds: 60,
          lockedUntil: new Date(clock.now() + 60_000).toISOString(),
          failedLogins: 3,
        },
      });
      expect(await accounts.get('locked.user')).toMatchObject({
        status: 'locked',
        failedLogins: 3,
      });

      const verify = jest.spyOn(hasher, 'verify');
      const locked = await domainError(accounts.authenticate('locked.user', NEW_PASSWORD, 'c'));
      expect(locked.toBody()).toEqual({
        error: { code: 'too_many_attempts', message: expect.any(String), retryAfterSeconds: 60 },
      });
      expect(locked.status).toBe(429);
      expect(verify).not.toHaveBeenCalled();

      clock.advance(30_000);
      expect(
        (await domainError(accounts.authenticate('locked.user', NEW_PASSWORD, 'c'))).details,
      ).toEqual({
        retryAfterSeconds: 30,
      });
      clock.advance(30_000);
      expect(
        (await domainError(accounts.authenticate('locked.user', 'bad guess 1234', 'c'))).code,
      ).toBe(ErrorCode.InvalidCredentials);
      expect(
        (await domainError(accounts.authenticate('locked.user', NEW_PASSWORD, 'c'))).details,
      ).toEqual({
        retryAfterSeconds: 120,
      });
      clock.advance(120_000);
      await domainError(accounts.authenticate('locked.user', 'bad guess 1234', 'c'));
      expect(
        (await domainError(accounts.authenticate('locked.user', NEW_PASSWORD, 'c'))).details,
      ).toEqual({
        retryAfterSeconds: 240,
      });
      clock.advance(240_000);
      await expect(accounts.authenticate('locked.user', NEW_PASSWORD, 'c')).resolves.toMatchObject({
        username: 'locked.user',
      });
      expect(await accounts.get('locked.user')).toMatchObject({
        status: 'active',
        failedLogins: 0,
        lockedUntil: null,
      });
    });

    it('locks an unknown username exactly like an account', async () => {
      await activeUser('real.user');
      const run = async (name: string) => {
        const seen: unknown[] = [];
        for (let i = 0; i < 4; i++)
          seen.push(
            (await domainError(accounts.authenticate(name, 'bad guess 1234', 'c'))).toBody(),
          );
        clock.advance(60_000);
        seen.push((await domainError(accounts.authenticate(name, 'bad guess 1234', 'c'))).toBody());
        seen.push((await domainError(accounts.authenticate(name, 'bad guess 1234', 'c'))).toBody());
        return seen;
      };
      const real = await run('real.user');
      const ghost = await run('ghost.user');
      expect(ghost).toEqual(real);
      expect(real.map((b) => (b as { error: { code: string } }).error.code)).toEqual([
        'invalid_credentials',
        'invalid_credentials',
        'invalid_credentials',
        'too_many_attempts',
        'invalid_credentials',
        'too_many_attempts',
      ]);
      expect(real[5]).toMatchObject({ error: { retryAfterSeconds: 120 } });
      expect(
        (await events(null)).filter((e) => e.action === AuditAction.AccountLocked).at(-1),
      ).toMatchObject({
        details: { attemptedUsername: 'ghost.user', lockSeconds: 120 },
      });
    });

    it('counts concurrent failures exactly (no lost updates)', async () => {
      const patient = newAccounts(hasher, {
        ...config,
        loginMaxFailures: 100,
        loginAccountMaxFailures: 100,
      });
      await activeUser('busy.user');
      await Promise.allSettled(
        Array.from({ length: 8 }, () => patient.authenticate('busy.user', 'bad guess 1234', 'c')),
      );
      expect((await row('busy.user')).failedLogins).toBe(8);
    });

    it('rehashes a hash made with a lower cost after a successful login', async () => {
      await activeUser('rehash.user');
      const stronger = new PasswordHasher(randomBytes(32), 11);
      jest.spyOn(stronger, 'verify').mockResolvedValue(true);
      const upgraded = newAccounts(stronger, config);
      await upgraded.authenticate('rehash.user', NEW_PASSWORD, 'c');
      const [{ password_hash }] = await ds.query<{ password_hash: string }[]>(
        "SELECT password_hash FROM users WHERE username = 'rehash.user'",
      );
      expect(password_hash).toMatch(/^\$2b\$11\$/);
    });
  });

  describe('changePassword', () => {
    it('replaces the temporary password and requires the new one afterwards', async () => {
      const issued = await accounts.register('changer', admin);
      const { userId } = await accounts.authenticate('changer', issued.temporaryPassword, 'c');
      const typed = issued.temporaryPassword.toLowerCase();
      await accounts.changePassword(userId, typed, NEW_PASSWORD);
      expect(await accounts.get('changer')).toMatchObject({
        status: 'active',
        mustChangePassword: false,
        temporaryPasswordExpiresAt: null,
      });
      expect((await row('changer')).tempPasswordExpiresAt).toBeNull();
      expect(
        (await domainError(accounts.authenticate('changer', issued.temporaryPassword, 'c'))).code,
      ).toBe(ErrorCode.InvalidCredentials);
      await expect(accounts.authenticate('changer', NEW_PASSWORD, 'c')).resolves.toMatchObject({
        mustChangePassword: false,
      });
      expect(
        (await events('changer')).find((e) => e.action === AuditAction.PasswordChanged),
      ).toEqual({
        actorType: 'user',
        actor: 'changer',
        action: AuditAction.PasswordChanged,
        subject: 'changer',
        details: { wasTemporary: true },
      });
    });

    it('checks the current password first, then the policy', async () => {
      const issued = await accounts.register('policy.user', admin);
      const { userId } = await accounts.authenticate('policy.user', issued.temporaryPassword, 'c');
      const wrong = await domainError(
        accounts.changePassword(userId, 'not the temp password', NEW_PASSWORD),
      );
      expect(wrong.code).toBe(ErrorCode.InvalidCredentials);
      expect((await row('policy.user')).failedLogins).toBe(1);

      const weak = (password: string) =>
        domainError(accounts.changePassword(userId, issued.temporaryPassword, password));
      expect((await weak(issued.temporaryPassword)).message).toBe(
        'password must differ from the temporary password',
      );
      expect((await weak('short')).message).toBe('password must be at least 12 characters');
      expect((await weak('Policy.User2024')).message).toBe('password must not be the username');
      expect((await weak('Password123456!')).message).toBe('password is too common');
      expect((await weak('Password123456!')).code).toBe(ErrorCode.WeakPassword);
      expect(await accounts.get('policy.user')).toMatchObject({ mustChangePassword: true });

      await accounts.changePassword(userId, issued.temporaryPassword, NEW_PASSWORD);
      expect(
        (await domainError(accounts.changePassword(userId, NEW_PASSWORD, NEW_PASSWORD))).message,
      ).toBe('password must differ from the current password');
    });

    it('refuses unknown ids, locked and disabled accounts', async () => {
      expect(
        (await domainError(accounts.changePassword(999_999, NEW_PASSWORD, 'Vq8#mLx2!pRt'))).code,
      ).toBe(ErrorCode.InvalidCredentials);
      const userId = await activeUser('gone.user');
      await accounts.disable('gone.user', admin);
      expect(
        (await domainError(accounts.changePassword(userId, NEW_PASSWORD, 'Vq8#mLx2!pRt'))).code,
      ).toBe(ErrorCode.InvalidCredentials);
      await accounts.enable('gone.user', admin);
      for (let i = 0; i < 3; i++)
        await domainError(accounts.changePassword(userId, 'bad guess 1234', 'Vq8#mLx2!pRt'));
      expect(
        (await domainError(accounts.changePassword(userId, NEW_PASSWORD, 'Vq8#mLx2!pRt'))).code,
      ).toBe(ErrorCode.TooManyAttempts);
    });
  });

  describe('admin operations', () => {
    it('disables, enables and allows a new key idempotently, saying whether anything changed', async () => {
      await activeUser('admin.target');
      const first = await accounts.disable('admin.target', admin);
      expect(first).toMatchObject({ changed: true, user: { status: 'disabled', disabled: true } });
      expect((await accounts.disable('admin.target', admin)).changed).toBe(false);
      expect((await accounts.enable('admin.target', admin)).user.status).toBe('active');
      expect((await accounts.enable('admin.target', admin)).changed).toBe(false);

      expect((await accounts.allowNewKey('admin.target', admin)).changed).toBe(false);
      await ds
        .getRepository(UserEntity)
        .update({ username: 'admin.target' }, { keyCreationBlocked: true });
      expect(await accounts.allowNewKey('admin.target', admin)).toMatchObject({
        changed: true,
        user: { keyCreationBlocked: false },
      });
      const actions = (await events('admin.target'))
        .filter((e) => e.actor === 'root-admin')
        .slice(1);
      expect(actions.map((e) => [e.action, e.details.changed])).toEqual([
        [AuditAction.UserDisabled, true],
        [AuditAction.UserDisabled, false],
        [AuditAction.UserEnabled, true],
        [AuditAction.UserEnabled, false],
        [AuditAction.UserKeyCreationAllowed, false],
        [AuditAction.UserKeyCreationAllowed, true],
      ]);
    });

    it('resets the password and clears a lock', async () => {
      await activeUser('reset.user');
      for (let i = 0; i < 3; i++)
        await domainError(accounts.authenticate('reset.user', 'bad guess 1234', 'c'));
      expect((await accounts.get('reset.user')).status).toBe('locked');
      const issued = await accounts.resetPassword('reset.user', { type: 'system', name: 'cli' });
      expect(issued.temporaryPassword).toMatch(TEMPORARY_PASSWORD_PATTERN);
      expect(await accounts.get('reset.user')).toMatchObject({
        status: 'must_change_password',
        failedLogins: 0,
        lockedUntil: null,
        temporaryPasswordExpiresAt: issued.temporaryPasswordExpiresAt,
      });
      expect((await events('reset.user')).at(-1)).toMatchObject({
        actorType: 'system',
        actor: 'cli',
        action: AuditAction.UserPasswordReset,
        details: { changed: true, clearedLockout: true },
      });
      expect((await domainError(accounts.authenticate('reset.user', NEW_PASSWORD, 'c'))).code).toBe(
        ErrorCode.InvalidCredentials,
      );
      await expect(
        accounts.authenticate('reset.user', issued.temporaryPassword, 'c'),
      ).resolves.toBeDefined();
    });

    it('answers not_found for unknown accounts', async () => {
      const calls: (() => Promise<unknown>)[] = [
        () => accounts.resetPassword('no.such.user', admin),
        () => accounts.disable('no.such.user', admin),
        () => accounts.enable('no.such.user', admin),
        () => accounts.allowNewKey('no.such.user', admin),
        () => accounts.get('no.such.user'),
        () => accounts.get('??'),
      ];
      for (const call of calls) {
        expect((await domainError(call())).toBody()).toEqual({
          error: { code: 'not_found', message: 'no such user' },
        });
      }
    });

    it('leaves no change when the audit event fails', async () => {
      await activeUser('atomic.user');
      const before = await eventCount();
      jest.spyOn(audit, 'append').mockImplementationOnce(async (manager, inputs) => {
        await AuditService.prototype.append.call(audit, manager, inputs);
        throw new Error('audit down');
      });
      await expect(accounts.disable('atomic.user', admin)).rejects.toThrow('audit down');
      expect((await row('atomic.user')).disabledAt).toBeNull();
      expect(await eventCount()).toBe(before);
    });

    it('lists by status and username substring, with paging', async () => {
      for (const name of ['list_a.one', 'list_a.two', 'listxa.three', 'list_a.four']) {
        await accounts.register(name, admin);
      }
      await activeUser('list_a.five');
      await accounts.disable('list_a.two', admin);
      for (let i = 0; i < 3; i++)
        await domainError(accounts.authenticate('list_a.four', 'bad guess 1234', 'c'));

      const all = await accounts.list({ search: 'LIST_A.' });
      expect(all.total).toBe(4); // '_' is literal: listxa.three does not match
      expect(all.items.map((u) => u.username)).toEqual([
        'list_a.five',
        'list_a.four',
        'list_a.one',
        'list_a.two',
      ]);
      const names = async (status: 'active' | 'must_change_password' | 'locked' | 'disabled') =>
        (await accounts.list({ search: 'list_a.', status })).items.map((u) => u.username);
      expect(await names('active')).toEqual(['list_a.five']);
      expect(await names('must_change_password')).toEqual(['list_a.one']);
      expect(await names('locked')).toEqual(['list_a.four']);
      expect(await names('disabled')).toEqual(['list_a.two']);
      const page = await accounts.list({ search: 'list', offset: 1, limit: 2 });
      expect(page.total).toBe(5);
      expect(page.items.map((u) => u.username)).toEqual(['list_a.four', 'list_a.one']);
      expect(JSON.stringify(page)).not.toMatch(/\$2b\$|passwordHash/);

      clock.advance(60_000);
      expect(await names('locked')).toEqual([]);
      expect(await names('must_change_password')).toEqual(['list_a.four', 'list_a.one']);
      expect((await domainError(accounts.list({ limit: 501 }))).code).toBe(
        ErrorCode.InvalidRequest,
      );
      expect((await domainError(accounts.list({ offset: -1 }))).code).toBe(
        ErrorCode.InvalidRequest,
      );
      expect((await domainError(accounts.list({ status: 'gone' as 'active' }))).code).toBe(
        ErrorCode.InvalidRequest,
      );
    });
  });

  describe('AccountsModule', () => {
    it('wires AccountsService from the host app providers', async () => {
      @Global()
      @Module({
        providers: [
          { provide: DataSource, useValue: ds },
          { provide: TransactionRunner, useValue: runner },
          { provide: CLOCK, useValue: clock },
          { provide: DSS_CONFIG, useValue: config },
        ],
        exports: [DataSource, TransactionRunner, CLOCK, DSS_CONFIG],
      })
      class HostModule {}
      const moduleRef = await Test.createTestingModule({
        imports: [HostModule, AuditModule, AccountsModule.forRoot(hasher)],
      }).compile();
      await moduleRef.init();
      const service = moduleRef.get(AccountsService);
      expect(service).toBeInstanceOf(AccountsService);
      expect(moduleRef.get(PasswordHasher)).toBe(hasher);
      expect((await service.get('alice.smith')).username).toBe('alice.smith');
      await moduleRef.close();
    });
  });
});
