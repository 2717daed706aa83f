import { ManualClock } from '@dss/common';
import { AuditEventEntity, openDataSource, TransactionRunner } from '@dss/persistence';
import pino from 'pino';
import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { AuditAction } from '../audit-action';
import { chainHash } from '../audit-chain';
import { AuditService } from '../audit.service';
import { loadOrCreateLogKey } from './log-key';
import { exportLeaves, verifyDatabaseLog, verifyLogEvidence } from './log-verifier';
import { TransparencyLogService } from './transparency-log.service';

/**
 * The tamper battery (docs/AUDIT-LOG.md §6), on the engine of DSS_DATABASE_URL: an attacker with
 * full database access rewrites the trail as a careful one would (events, chain hashes, chain
 * head); a checkpoint held outside the database catches each change and names the first bad
 * leaf index (event seq − 1).
 */
describe('log verification against a checkpoint held outside the database', () => {
  const EVENTS = 40;
  let db: TestDatabase;
  let ds: DataSource;
  let audit: AuditService;
  let held: string;
  const key = () => loadOrCreateLogKey(`${db.dataDir}/log.pem`, 'dss.test/dss-audit');

  beforeEach(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    const runner = new TransactionRunner(ds);
    audit = new AuditService(runner, new ManualClock(Date.UTC(2026, 10, 1)));
    for (let i = 1; i <= EVENTS; i++)
      await audit.record({
        actorType: 'user',
        actor: `user${i % 3}`,
        action: AuditAction.SignatureIssued,
        subject: `key-${i % 5}`,
        details: { digest: i.toString(16).padStart(64, '0') },
      });
    const log = new TransparencyLogService(
      runner,
      ds,
      {
        key: key(),
        origin: 'dss.test/dss-audit',
        intervalMs: 1000,
        checkpointFile: `${db.dataDir}/checkpoints.txt`,
        sequence: false,
      },
      pino({ level: 'silent' }),
    );
    held = (await log.advance()).note;
  });

  afterEach(async () => {
    await ds.destroy();
    await db.drop();
  });

  const verify = () =>
    verifyDatabaseLog(ds.manager, key().verifier, [
      { source: 'given', label: 'held.txt', note: held },
    ]);

  /** Rewrites the chain hashes from `from` on and moves the head, as a careful attacker would. */
  async function rehash(): Promise<void> {
    const repo = ds.getRepository(AuditEventEntity);
    const rows = await repo.find({ order: { seq: 'ASC' } });
    let prev = '0'.repeat(64);
    for (const row of rows) {
      const hash = chainHash(prev, row);
      await repo.update({ seq: row.seq }, { prevHash: prev, hash });
      prev = hash;
    }
    await ds.query('UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1', [
      rows.length,
      prev,
    ]);
    expect((await audit.verify(ds.manager)).valid).toBe(true);
  }

  it('passes an untouched trail', async () => {
    expect(await verify()).toMatchObject({ valid: true, events: EVENTS, firstBadIndex: null });
  });

  it('names an edited row in the middle', async () => {
    await ds.getRepository(AuditEventEntity).update({ seq: 17 }, { actor: 'mallory' });
    await rehash();
    expect(await verify()).toMatchObject({ valid: false, firstBadIndex: 16 });
  });

  it.each([1, 5])('names the first of the last %i events truncated', async (n) => {
    await ds.query('DELETE FROM audit_events WHERE seq > ?', [EVENTS - n]);
    await rehash();
    const r = await verify();
    expect(r).toMatchObject({ valid: false, firstBadIndex: EVENTS - n });
    expect(r.reason).toMatch(/missing/);
  });

  it('names index 0 when every event is deleted and the head reset', async () => {
    await ds.query('DELETE FROM audit_events');
    await ds.query('UPDATE audit_chain_head SET seq = 0, hash = ? WHERE id = 1', ['0'.repeat(64)]);
    expect((await audit.verify(ds.manager)).valid).toBe(true);
    expect(await verify()).toMatchObject({ valid: false, events: 0, firstBadIndex: 0 });
  });

  it('names the removed event when the rest are renumbered and re-hashed', async () => {
    await ds.query('DELETE FROM audit_events WHERE seq = 23');
    for (let seq = 24; seq <= EVENTS; seq++)
      await ds.query('UPDATE audit_events SET seq = ? WHERE seq = ?', [seq - 1, seq]);
    await rehash();
    expect(await verify()).toMatchObject({ valid: false, firstBadIndex: 22 });
  });

  it('names the first of two swapped events', async () => {
    const repo = ds.getRepository(AuditEventEntity);
    const a = await repo.findOneByOrFail({ seq: 8 });
    const b = await repo.findOneByOrFail({ seq: 30 });
    await repo.update({ seq: 8 }, { actor: b.actor, subject: b.subject, details: b.details });
    await repo.update({ seq: 30 }, { actor: a.actor, subject: a.subject, details: a.details });
    await rehash();
    expect(await verify()).toMatchObject({ valid: false, firstBadIndex: 7 });
  });

  it('still names the first bad index when the stored tree and checkpoints were wiped too', async () => {
    await ds.query('DELETE FROM audit_events WHERE seq > ?', [35]);
    await rehash();
    await ds.query('DELETE FROM audit_log_checkpoints');
    await ds.query('DELETE FROM audit_log_nodes WHERE idx >= 0 AND level = 0 AND idx >= 35');
    const r = await verify();
    expect(r.valid).toBe(false);
    expect(r.firstBadIndex).toBeLessThanOrEqual(35);
  });

  it('reports a deleted chain head row clearly instead of throwing', async () => {
    await ds.query('DELETE FROM audit_chain_head');
    expect(await audit.verify(ds.manager)).toMatchObject({
      valid: false,
      reason: 'the audit chain head row is missing',
    });
    // The events still verify against the checkpoint held outside.
    expect(await verify()).toMatchObject({ valid: true, events: EVENTS });
  });

  it('refuses a checkpoint that is not signed by the log key', async () => {
    const forged = held.replace(/\n\n.*$/s, '\n\n\u2014 dss.test/dss-audit AAAAAAAA\n');
    const r = await verifyDatabaseLog(ds.manager, key().verifier, [
      { source: 'given', label: 'forged.txt', note: forged },
    ]);
    expect(r.valid).toBe(false);
    expect(r.problems[0].reason).toMatch(/does not verify/);
  });

  it('verifies an NDJSON export offline and names an edited line', async () => {
    const rows = await ds.getRepository(AuditEventEntity).find({ order: { seq: 'ASC' } });
    const lines = rows.map((e) =>
      JSON.stringify({
        seq: e.seq,
        at: e.at.toISOString(),
        actorType: e.actorType,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        details: JSON.parse(e.details) as unknown,
        prevHash: e.prevHash,
        hash: e.hash,
      }),
    );
    const check = async (text: string) => {
      const { leaves, gapAtSeq } = exportLeaves(text);
      return verifyLogEvidence(
        { eventLeaves: leaves, gapAtSeq },
        [{ source: 'given', label: 'held', note: held }],
        key().verifier,
      );
    };
    expect(await check(lines.join('\n'))).toMatchObject({ valid: true, events: EVENTS });
    lines[12] = lines[12].replace('"user', '"mallory');
    const r = await check(lines.join('\n'));
    expect(r.valid).toBe(false);
    expect(r.firstBadIndex).toBeLessThanOrEqual(12);
  });
});
