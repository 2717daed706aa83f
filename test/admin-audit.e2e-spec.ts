/**
 * The audit trail through the admin API: filters and cursor pagination, the chain verification
 * (and what it says after someone edits a row in the database), and the streaming export, whose
 * NDJSON re-verifies outside the service. Reading and exporting the trail is itself audited.
 */
import { AuditAction, AuditService, canonicalJson, chainHash } from '@dss/audit';
import { ManualClock } from '@dss/common';
import { AuditEventEntity } from '@dss/persistence';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, login, readyOperator } from './support/admin-api';
import { startAdmin, type RunningAdmin } from './support/admin-server';

const BOOTSTRAP = 'bootstrap-secret-0002-xyz';
const ADMIN_PW = 'harbour-compass-71-lantern';
const AUDITOR_PW = 'velvet-meadow-38-granite';
const HOUR = 3_600_000;

interface EventWire {
  seq: number;
  at: string;
  actorType: string;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

describe('admin API: the audit trail (e2e)', () => {
  const start = Date.UTC(2026, 5, 1, 8, 0, 0);
  const clock = new ManualClock(start);
  let admin: RunningAdmin;
  let auditor: string;
  let ds: DataSource;
  const api = () => request(admin.url);

  beforeAll(async () => {
    admin = await startAdmin({
      clock,
      env: {
        DSS_ADMIN_BOOTSTRAP_PASSWORD: BOOTSTRAP,
        DSS_LOGIN_RATE_LIMIT: '0',
        DSS_TRUST_PROXY: 'true',
        DSS_ADMIN_IDLE_SECONDS: '86400',
        DSS_ADMIN_TOKEN_TTL_SECONDS: '86400',
      },
    });
    ds = admin.app.get(DataSource);
    const first = await login(admin.url, 'admin', BOOTSTRAP);
    await api()
      .post('/api/auth/password')
      .set(bearer(first))
      .send({ currentPassword: BOOTSTRAP, newPassword: ADMIN_PW })
      .expect(200);
    const adminToken = await login(admin.url, 'admin', ADMIN_PW);
    auditor = await readyOperator(admin.url, adminToken, 'audrey', 'auditor', AUDITOR_PW);

    // 1200 signatures over three hours, then a few user events.
    const audit = admin.app.get(AuditService);
    for (let hour = 0; hour < 3; hour++) {
      clock.advance(HOUR);
      await audit.record(
        Array.from({ length: 400 }, (_, i) => ({
          actorType: 'user' as const,
          actor: hour === 1 ? 'carol' : 'dave',
          action: AuditAction.SignatureIssued,
          subject: `key-${hour}`,
          details: { n: hour * 400 + i, digest: 'ab'.repeat(32) },
        })),
      );
    }
    clock.advance(HOUR);
    await api().post('/api/users').set(bearer(adminToken)).send({ username: 'erin' }).expect(201);
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('filters events by action, actor, subject and time range', async () => {
    const get = async (query: string) =>
      (await api().get(`/api/audit/events?${query}`).set(bearer(auditor)).expect(200)).body as {
        items: EventWire[];
        nextCursor: number | null;
      };

    const carol = await get('actor=carol&limit=500');
    expect(carol.items).toHaveLength(400);
    expect(carol.nextCursor).toBeNull();
    expect(new Set(carol.items.map((e) => e.subject))).toEqual(new Set(['key-1']));

    const registered = await get('action=user.registered');
    expect(registered.items).toHaveLength(1);
    expect(registered.items[0]).toMatchObject({
      actorType: 'operator',
      actor: 'admin',
      subject: 'erin',
      details: { temporaryPasswordExpiresAt: expect.any(String) },
    });
    expect(JSON.stringify(registered.items[0])).not.toMatch(/"temporaryPassword"/);

    const secondHour = await get(
      `action=signature.issued&limit=500&from=${new Date(start + 1.5 * HOUR).toISOString()}&to=${new Date(start + 2.5 * HOUR).toISOString()}`,
    );
    expect(secondHour.items).toHaveLength(400);
    expect(secondHour.items.every((e) => e.actor === 'carol')).toBe(true);
    expect((await get('subject=key-2&actorType=user&limit=1')).nextCursor).not.toBeNull();
    expect((await get('actor=nobody')).items).toEqual([]);
  });

  it('pages through the whole trail with the cursor, both ways', async () => {
    const seqs: number[] = [];
    let cursor: number | null = null;
    do {
      const query: string = cursor === null ? 'limit=500' : `limit=500&after=${cursor}`;
      const page = await api().get(`/api/audit/events?${query}`).set(bearer(auditor)).expect(200);
      seqs.push(...(page.body.items as EventWire[]).map((e) => e.seq));
      cursor = page.body.nextCursor as number | null;
    } while (cursor !== null);
    expect(seqs.length).toBeGreaterThan(1200);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));

    const newest = await api()
      .get('/api/audit/events?order=desc&limit=3')
      .set(bearer(auditor))
      .expect(200);
    const top = (newest.body.items as EventWire[]).map((e) => e.seq);
    expect(top[0]).toBeGreaterThan(top[1]);
    const next = await api()
      .get(`/api/audit/events?order=desc&limit=3&after=${newest.body.nextCursor as number}`)
      .set(bearer(auditor))
      .expect(200);
    expect((next.body.items as EventWire[])[0].seq).toBe(top[2] - 1);
  });

  it('records every read of the trail with the operator as actor', async () => {
    const reads = await api()
      .get(
        '/api/audit/events?action=audit.read&actor=audrey&order=desc&limit=1&includeOwnReads=true',
      )
      .set(bearer(auditor))
      .expect(200);
    expect(reads.body.items[0]).toMatchObject({
      actorType: 'operator',
      actor: 'audrey',
      action: 'audit.read',
      details: { view: 'events', query: { action: 'audit.read', actor: 'audrey', order: 'desc' } },
    });
  });

  it('exports the whole trail as NDJSON that re-verifies outside the service, and records the export first', async () => {
    const r = await api().get('/api/audit/export').set(bearer(auditor)).expect(200);
    expect(r.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(
      /^attachment; filename="dss-audit-.*\.ndjson"$/,
    );
    const lines = r.text.trimEnd().split('\n');
    const events = lines.map((l) => JSON.parse(l) as EventWire);
    expect(events.length).toBe(Number(r.headers['x-dss-audit-head-seq']));
    let prev = '0'.repeat(64);
    for (const [i, e] of events.entries()) {
      expect(e.seq).toBe(i + 1);
      expect(e.prevHash).toBe(prev);
      const recomputed = chainHash(prev, {
        ...e,
        at: new Date(e.at),
        details: canonicalJson(e.details),
      });
      expect([e.seq, recomputed]).toEqual([e.seq, e.hash]);
      prev = e.hash;
    }
    expect(prev).toBe(r.headers['x-dss-audit-head-hash']);
    expect(events[events.length - 1]).toMatchObject({
      action: 'audit.exported',
      actor: 'audrey',
      details: { format: 'ndjson' },
    });
  });

  it('exports CSV with one row per event', async () => {
    const r = await api().get('/api/audit/export?format=csv').set(bearer(auditor)).expect(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(/\.csv"$/);
    const rows = r.text.split('\r\n').filter((l) => l !== '');
    expect(rows[0]).toBe('seq,at,actorType,actor,action,subject,details,prevHash,hash');
    expect(rows.length - 1).toBe(Number(r.headers['x-dss-audit-head-seq']));
    expect(rows[rows.length - 1]).toMatch(
      /^\d+,[^,]+,operator,audrey,audit\.exported,,"\{""format"":""csv""\}",/,
    );
    await api().get('/api/audit/export?format=xml').set(bearer(auditor)).expect(400);
  });

  it('verifies the chain, and names the seq of a row edited in the database', async () => {
    const ok = await api().get('/api/audit/verify').set(bearer(auditor)).expect(200);
    expect(ok.body).toMatchObject({ valid: true, firstInvalidSeq: null, reason: null });
    expect(ok.body.checkedEvents).toBe(ok.body.headSeq);
    expect(ok.body.headHash).toMatch(/^[0-9a-f]{64}$/);

    const repo = ds.getRepository(AuditEventEntity);
    const victim = await repo.findOneByOrFail({ seq: 777 });
    await repo.update({ seq: 777 }, { actor: 'mallory' });
    try {
      const broken = await api().get('/api/audit/verify').set(bearer(auditor)).expect(200);
      expect(broken.body).toMatchObject({
        valid: false,
        firstInvalidSeq: 777,
        checkedEvents: 776,
        reason: expect.any(String),
      });
      const recorded = await api()
        .get('/api/audit/events?action=audit.verified&order=desc&limit=1')
        .set(bearer(auditor))
        .expect(200);
      expect(recorded.body.items[0]).toMatchObject({
        actor: 'audrey',
        details: { valid: false, firstInvalidSeq: 777 },
      });
    } finally {
      await repo.update({ seq: 777 }, { actor: victim.actor });
    }
    const again = await api().get('/api/audit/verify').set(bearer(auditor)).expect(200);
    expect(again.body.valid).toBe(true);
  });
});
