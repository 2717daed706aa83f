import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditService } from '@dss/audit';
import { ErrorCode, ManualClock } from '@dss/common';
import { type DssConfig, loadConfig } from '@dss/config';
import {
  AuditEventEntity,
  OperatorSessionEntity,
  openDataSource,
  TransactionRunner,
} from '@dss/persistence';
import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { domainErrorOf } from '@dss/testing/thrown';
import { type Actor } from './account.types';
import { CredentialCore } from './credential-core';
import { OperatorsService } from './operators.service';
import { PasswordHasher } from './password-hasher';
import { TEMPORARY_PASSWORD_PATTERN } from './temporary-password';

const admin: Actor = { type: 'operator', name: 'admin' };
const GOOD = 'correct-Staple-Wombat-93';

const domainError = domainErrorOf;

describe('OperatorsService (integration)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let clock: ManualClock;
  let audit: AuditService;
  let hasher: PasswordHasher;
  const withCore = (d: DataSource, a: AuditService, config: DssConfig): OperatorsService => {
    const runner = new TransactionRunner(d);
    const core = new CredentialCore(d, runner, a, hasher, clock, config);
    return new OperatorsService(d, runner, a, hasher, core, clock, config);
  };
  const make = (env: Record<string, string> = {}) =>
    withCore(
      ds,
      audit,
      loadConfig(
        {
          DSS_DATA_DIR: db.dataDir,
          DSS_LOGIN_MAX_FAILURES: '3',
          DSS_LOGIN_LOCKOUT_SECONDS: '60',
          ...env,
        },
        db.dataDir,
      ),
    );
  const session = (operatorId: number, id: string) =>
    ds.getRepository(OperatorSessionEntity).insert({
      id: id.repeat(64).slice(0, 64),
      operatorId,
      kind: 'bearer',
      csrfTokenHash: null,
      createdAt: new Date(clock.now()),
      lastSeenAt: new Date(clock.now()),
      expiresAt: new Date(clock.now() + 3_600_000),
      revokedAt: null,
    });
  const live = async (operatorId: number) =>
    (await ds.getRepository(OperatorSessionEntity).findBy({ operatorId })).filter(
      (s) => s.revokedAt === null,
    ).length;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    clock = new ManualClock();
    audit = new AuditService(new TransactionRunner(ds), clock);
    hasher = new PasswordHasher(randomBytes(32), 10);
  });
  afterAll(async () => {
    if (ds?.isInitialized) {
      expect(await audit.verify(ds.manager)).toMatchObject({ valid: true });
      await ds.destroy();
    }
    await db?.drop();
  });

  it('bootstraps admin once, with a generated one-time password in a 0600 file', async () => {
    const file = join(db.dataDir, 'initial-admin-password');
    writeFileSync(file, 'stale password of an earlier database\n', { mode: 0o644 });
    const operators = make();
    const first = await operators.bootstrap();
    expect(first).toEqual({
      created: true,
      username: 'admin',
      passwordSource: 'generated',
      passwordFile: file,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password).toMatch(TEMPORARY_PASSWORD_PATTERN);
    expect(await operators.bootstrap()).toEqual({ created: false });
    expect(await make({ DSS_ADMIN_BOOTSTRAP_PASSWORD: 'x'.repeat(20) }).bootstrap()).toEqual({
      created: false,
    });
    // Typed in lower case, as a person might: read like any one-time password.
    await expect(
      operators.authenticate('admin', password.toLowerCase(), 'test'),
    ).resolves.toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true });
    const created = await ds
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ action: 'operator.created', subject: 'admin' });
    expect(created).toMatchObject({ actorType: 'system', actor: 'bootstrap' });
    expect(created.details).not.toContain(password);

    const me = await operators.authenticate('admin', password, 'test');
    await session(me.operatorId, 'a');
    await session(me.operatorId, 'b');
    expect(
      (await domainError(operators.changePassword(me.operatorId, password, 'admin12345678'))).code,
    ).toBe(ErrorCode.WeakPassword);
    await expect(operators.changePassword(me.operatorId, password, GOOD)).resolves.toEqual({
      revokedSessions: 2,
    });
    expect(await live(me.operatorId)).toBe(0);
    expect(existsSync(file)).toBe(false);
    await expect(operators.authenticate('admin', GOOD, 'test')).resolves.toMatchObject({
      mustChangePassword: false,
    });
  });

  it('creates operators with one-time passwords and refuses bad input', async () => {
    const operators = make();
    const issued = await operators.create('Audrey', 'auditor', admin);
    expect(issued).toMatchObject({ username: 'audrey', role: 'auditor' });
    expect(issued.temporaryPassword).toMatch(TEMPORARY_PASSWORD_PATTERN);
    expect((await domainError(operators.create('audrey', 'admin', admin))).code).toBe(
      ErrorCode.Conflict,
    );
    expect((await domainError(operators.create('no way', 'admin', admin))).code).toBe(
      ErrorCode.InvalidUsername,
    );
    expect((await domainError(operators.create('root2', 'root' as 'admin', admin))).code).toBe(
      ErrorCode.InvalidRequest,
    );
    const page = await operators.list();
    expect(page.total).toBe(2);
    expect(page.items.map((o) => [o.username, o.role, o.status])).toEqual([
      ['admin', 'admin', 'active'],
      ['audrey', 'auditor', 'must_change_password'],
    ]);
    expect((await operators.list({ role: 'auditor' })).items).toHaveLength(1);
  });

  it('locks after repeated failures, alike for unknown names, and never says which', async () => {
    const operators = make();
    for (let i = 0; i < 3; i++) {
      expect((await domainError(operators.authenticate('audrey', 'wrong', 'test'))).code).toBe(
        ErrorCode.InvalidCredentials,
      );
      expect((await domainError(operators.authenticate('ghost', 'wrong', 'test'))).code).toBe(
        ErrorCode.InvalidCredentials,
      );
    }
    for (const name of ['audrey', 'ghost']) {
      const locked = await domainError(operators.authenticate(name, 'wrong', 'test'));
      expect(locked.code).toBe(ErrorCode.TooManyAttempts);
      expect(locked.details.retryAfterSeconds).toBe(60);
    }
    expect((await operators.get('audrey')).status).toBe('locked');
    clock.advance(61_000);
    expect((await operators.get('audrey')).status).toBe('must_change_password');
  });

  it('disables (revoking sessions), enables and resets operators; never the last admin', async () => {
    const operators = make();
    const { temporaryPassword } = await operators.resetPassword('audrey', admin);
    const audrey = await operators.authenticate('audrey', temporaryPassword, 'test');
    await session(audrey.operatorId, 'c');
    const disabled = await operators.disable('audrey', admin);
    expect(disabled).toMatchObject({ changed: true, revokedSessions: 1 });
    expect(disabled.operator.status).toBe('disabled');
    expect((await operators.disable('audrey', admin)).changed).toBe(false);
    expect(
      (await domainError(operators.authenticate('audrey', temporaryPassword, 'test'))).code,
    ).toBe(ErrorCode.InvalidCredentials);
    expect((await domainError(operators.disable('admin', admin))).code).toBe(ErrorCode.Conflict);
    expect((await operators.enable('audrey', admin)).operator.status).toBe('must_change_password');
    expect((await domainError(operators.get('nobody'))).code).toBe(ErrorCode.NotFound);
    expect((await domainError(operators.disable('nobody', admin))).code).toBe(ErrorCode.NotFound);
  });

  it('bootstraps with DSS_ADMIN_BOOTSTRAP_PASSWORD on an empty database, writing no file', async () => {
    const other = await createTestDatabase();
    const otherDs = await openDataSource({
      databaseUrl: other.databaseUrl,
      dataDir: other.dataDir,
    });
    try {
      const operators = withCore(
        otherDs,
        new AuditService(new TransactionRunner(otherDs), clock),
        loadConfig(
          { DSS_DATA_DIR: other.dataDir, DSS_ADMIN_BOOTSTRAP_PASSWORD: 'from the environment 1' },
          other.dataDir,
        ),
      );
      expect(await operators.bootstrap()).toEqual({
        created: true,
        username: 'admin',
        passwordSource: 'DSS_ADMIN_BOOTSTRAP_PASSWORD',
      });
      expect(existsSync(join(other.dataDir, 'initial-admin-password'))).toBe(false);
      await expect(
        operators.authenticate('admin', 'from the environment 1', 'test'),
      ).resolves.toMatchObject({ mustChangePassword: true });
    } finally {
      await otherDs.destroy();
      await other.drop();
    }
  });
});
