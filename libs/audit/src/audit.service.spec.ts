import { ManualClock } from '@dss/common';
import {
  AuditChainHeadEntity,
  AuditEventEntity,
  openDataSource,
  TransactionRunner,
} from '@dss/persistence';
import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { AuditAction } from './audit-action';
import { AUDIT_HEAD_MISSING, AuditService } from './audit.service';
import { canonicalJson } from './canonical-json';
import { type BatchOutcome, GroupCommitter } from './group-commit';

describe('AuditService (DESIGN.md §7), on the engine of DSS_DATABASE_URL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let runner: TransactionRunner;
  let audit: AuditService;
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0, 123));

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    runner = new TransactionRunner(ds);
    audit = new AuditService(runner, clock);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  const event = (i: number) => ({
    actorType: 'user' as const,
    actor: `user${i}`,
    action: AuditAction.SignatureIssued,
    subject: `key-${i}`,
    details: { digest: `d${i}`, n: i, nested: { b: 2, a: [1, 'x'] } },
  });

  it('appends a contiguous chain under concurrency and verifies it', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => audit.record(event(i))));
    await audit.record([event(100), event(101)]);
    const rows = await ds.getRepository(AuditEventEntity).find({ order: { seq: 'ASC' } });
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    expect(rows[0].at.toISOString()).toBe('2026-11-25T12:00:00.123Z');
    const result = await audit.verify(ds.manager);
    expect(result).toMatchObject({
      valid: true,
      checkedEvents: 42,
      firstInvalidSeq: null,
      headSeq: 42,
    });
    expect(result.headHash).toBe(rows[41].hash);
  });

  it('records concurrent callers in shared transactions, each answered with its own events', async () => {
    const ownRunner = new TransactionRunner(ds);
    const run = jest.spyOn(ownRunner, 'run');
    const grouped = new AuditService(ownRunner, clock);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0 ? grouped.record([event(i), event(i + 1000)]) : grouped.record(event(i)),
      ),
    );
    answers.forEach((rows, i) => {
      expect(rows.map((r) => r.actor)).toEqual(
        i % 3 === 0 ? [`user${i}`, `user${i + 1000}`] : [`user${i}`],
      );
    });
    const seqs = answers.flat().map((r) => r.seq);
    expect(new Set(seqs).size).toBe(40);
    // One transaction for the first caller, one for everyone who came while it ran.
    expect(run.mock.calls.length).toBeLessThan(30);
    expect((await audit.verify(ds.manager)).valid).toBe(true);
  });

  it('leaves the head where it was when the insert fails (a row already holds the next seq)', async () => {
    const head = async () =>
      (
        await ds.query<{ seq: number | string; hash: string }[]>(
          'SELECT seq, hash FROM audit_chain_head WHERE id = 1',
        )
      )[0];
    const before = await head();
    const next = Number(before.seq) + 1;
    // A stray row where the next event goes: the append's INSERT must fail as a whole.
    await ds.getRepository(AuditEventEntity).insert({
      seq: next,
      at: new Date(),
      actorType: 'system',
      actor: 'stray',
      action: 'stray',
      subject: null,
      details: '{}',
      prevHash: before.hash,
      hash: 'f'.repeat(64),
    });
    await expect(audit.record([event(1), event(2)])).rejects.toThrow();
    expect(await head()).toEqual(before);
    await ds.getRepository(AuditEventEntity).delete({ seq: next });
    expect((await audit.verify(ds.manager)).valid).toBe(true);
  });

  it('rolls the event back with the transaction it belongs to', async () => {
    const before = await ds.getRepository(AuditEventEntity).count();
    await expect(
      runner.run(async (m) => {
        await audit.append(m, event(7));
        throw new Error('the audited change failed');
      }),
    ).rejects.toThrow('the audited change failed');
    expect(await ds.getRepository(AuditEventEntity).count()).toBe(before);
    expect((await audit.verify(ds.manager)).valid).toBe(true);
  });

  it('names the first altered event, then the first missing one', async () => {
    const repo = ds.getRepository(AuditEventEntity);
    const original = await repo.findOneByOrFail({ seq: 17 });
    await repo.update({ seq: 17 }, { details: canonicalJson({ digest: 'forged' }) });
    expect(await audit.verify(ds.manager)).toMatchObject({
      valid: false,
      firstInvalidSeq: 17,
      checkedEvents: 16,
    });
    await repo.update({ seq: 17 }, { details: original.details });
    expect((await audit.verify(ds.manager)).valid).toBe(true);

    const actor9 = (await repo.findOneByOrFail({ seq: 9 })).actor;
    await repo.update({ seq: 9 }, { actor: 'mallory' });
    expect((await audit.verify(ds.manager)).firstInvalidSeq).toBe(9);
    await repo.update({ seq: 9 }, { actor: actor9 });
    expect((await audit.verify(ds.manager)).valid).toBe(true);

    await repo.delete({ seq: 30 });
    expect(await audit.verify(ds.manager)).toMatchObject({
      valid: false,
      firstInvalidSeq: 30,
      reason: 'event missing',
    });
  });

  it('reports a missing chain head row as a broken trail, not a crash', async () => {
    const before = await audit.verify(ds.manager);
    const head = await ds.query<Record<string, unknown>[]>('SELECT * FROM audit_chain_head');
    await ds.query('DELETE FROM audit_chain_head');
    try {
      expect(await audit.verify(ds.manager)).toEqual({
        valid: false,
        checkedEvents: 0,
        headHash: '',
        headSeq: 0,
        firstInvalidSeq: 1,
        reason: AUDIT_HEAD_MISSING,
      });
    } finally {
      await ds
        .getRepository(AuditChainHeadEntity)
        .insert(
          head.map((row) => ({ id: Number(row.id), seq: Number(row.seq), hash: String(row.hash) })),
        );
    }
    expect(await audit.verify(ds.manager)).toEqual(before);
  });
});

describe('GroupCommitter', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let runner: TransactionRunner;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    runner = new TransactionRunner(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it.each([1, 2])(
    'commits items submitted together in fewer transactions, settling each on its own (%i in flight)',
    async (inFlight) => {
      const audit = new AuditService(runner, new ManualClock());
      const batchSizes: number[] = [];
      let running = 0;
      let mostRunning = 0;
      const committer = new GroupCommitter<number, number>(
        runner,
        async (manager, items): Promise<BatchOutcome<number>[]> => {
          batchSizes.push(items.length);
          mostRunning = Math.max(mostRunning, ++running);
          // Give a second transaction time to start while this one is open.
          await new Promise((resolve) => setTimeout(resolve, 5));
          const rows = await audit.append(
            manager,
            items
              .filter((i) => i % 10 !== 3)
              .map((i) => ({
                actorType: 'system' as const,
                actor: 'test',
                action: AuditAction.SignatureIssued,
                details: { i },
              })),
          );
          running -= 1;
          let next = 0;
          return items.map((i) =>
            i % 10 === 3
              ? { ok: false, error: new Error(`refused ${i}`) }
              : { ok: true, value: rows[next++].seq },
          );
        },
        256,
        inFlight,
      );
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => committer.submit(i)),
      );
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused).toHaveLength(10);
      const seqs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(new Set(seqs).size).toBe(90);
      expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(100);
      expect(batchSizes.length).toBeLessThan(100);
      // SQLite runs one transaction at a time whatever is asked; MySQL really overlaps them.
      expect(mostRunning).toBe(db.engine === 'mysql' ? inFlight : 1);
      expect((await audit.verify(ds.manager)).valid).toBe(true);
    },
  );
});
