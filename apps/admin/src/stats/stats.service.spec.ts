import { AuditAction, AuditService } from '@dss/audit';
import { ManualClock } from '@dss/common';
import { KeyPairEntity, openDataSource, TransactionRunner, UserEntity } from '@dss/persistence';
import { randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { SIGNATURE_DAYS, StatsService } from './stats.service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('StatsService (overview counts), on the engine of DSS_DATABASE_URL', () => {
  // Noon UTC, so "the last 24 hours" and "today" differ.
  const NOW = Date.UTC(2026, 4, 20, 12, 0, 0);
  const clock = new ManualClock(NOW);
  let db: TestDatabase;
  let ds: DataSource;
  let stats: StatsService;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    stats = new StatsService(ds, clock);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('answers zeros and fourteen empty days on an empty database', async () => {
    const overview = await stats.overview();
    expect(overview).toMatchObject({
      usersByStatus: { active: 0, must_change_password: 0, locked: 0, disabled: 0 },
      activeKeys: 0,
      signaturesLast24h: 0,
      deletionsLast30d: 0,
    });
    expect(overview.signaturesPerDay).toHaveLength(SIGNATURE_DAYS);
    expect(overview.signaturesPerDay[0].day).toBe('2026-05-07');
    expect(overview.signaturesPerDay[SIGNATURE_DAYS - 1]).toEqual({ day: '2026-05-20', count: 0 });
  });

  it('counts users by derived status, active keys, recent signatures and deletions', async () => {
    const users = ds.getRepository(UserEntity);
    const base = {
      passwordHash: 'x',
      failedLogins: 0,
      keyCreationBlocked: false,
      createdAt: new Date(NOW - DAY),
      updatedAt: new Date(NOW - DAY),
    };
    const rows = await users.save([
      { ...base, username: 'active1', mustChangePassword: false },
      { ...base, username: 'active2', mustChangePassword: false, lockedUntil: new Date(NOW - 1) },
      { ...base, username: 'newbie', mustChangePassword: true },
      { ...base, username: 'locked', mustChangePassword: true, lockedUntil: new Date(NOW + HOUR) },
      {
        ...base,
        username: 'gone',
        mustChangePassword: false,
        lockedUntil: new Date(NOW + HOUR),
        disabledAt: new Date(NOW - HOUR),
      },
    ]);
    const key = (userId: number, active: boolean) => ({
      id: randomUUID(),
      userId,
      algorithm: 'ECDSA-P256',
      fingerprint: 'f'.repeat(64),
      createdAt: new Date(NOW - DAY),
      deleted: !active,
      deletedAt: active ? null : new Date(NOW - HOUR),
      activeUserId: active ? userId : null,
    });
    await ds
      .getRepository(KeyPairEntity)
      .insert([key(rows[0].id, true), key(rows[1].id, true), key(rows[2].id, false)]);

    const at = (ms: number) => {
      const c = new ManualClock(ms);
      return new AuditService(new TransactionRunner(ds), c);
    };
    const sign = { actorType: 'user' as const, actor: 'active1', subject: 'k', details: {} };
    const record = (ms: number, action: AuditAction, n = 1) =>
      at(ms).record(Array.from({ length: n }, () => ({ ...sign, action })));
    await record(NOW - 2 * HOUR, AuditAction.SignatureIssued, 3); // today, last 24 h
    await record(NOW - 13 * HOUR, AuditAction.SignatureIssued, 2); // 23:00 yesterday, last 24 h
    await record(NOW - 25 * HOUR, AuditAction.SignatureIssued); // 11:00 yesterday
    await record(NOW - 13 * DAY, AuditAction.SignatureIssued); // first day of the series
    await record(NOW - 14 * DAY, AuditAction.SignatureIssued); // before the series
    await record(NOW - HOUR, AuditAction.KeyDeleted);
    await record(NOW - 29 * DAY, AuditAction.KeyDeleted);
    await record(NOW - 31 * DAY, AuditAction.KeyDeleted);
    await record(NOW - HOUR, AuditAction.KeyCreated);

    const overview = await stats.overview();
    expect(overview.usersByStatus).toEqual({
      active: 2,
      must_change_password: 1,
      locked: 1,
      disabled: 1,
    });
    expect(overview.activeKeys).toBe(2);
    expect(overview.signaturesLast24h).toBe(5);
    expect(overview.deletionsLast30d).toBe(2);
    const perDay = Object.fromEntries(overview.signaturesPerDay.map((d) => [d.day, d.count]));
    expect(perDay).toMatchObject({ '2026-05-20': 3, '2026-05-19': 3, '2026-05-07': 1 });
    expect(overview.signaturesPerDay.reduce((sum, d) => sum + d.count, 0)).toBe(7);
  });
});
