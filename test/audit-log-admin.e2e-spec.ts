/**
 * Verification against checkpoints held outside the database (docs/AUDIT-LOG.md §6), from the
 * operator's side: `dss-admin audit verify --checkpoint`, `dss-admin audit verify-export` on a
 * real export, and `GET /api/audit/verify` with a pasted checkpoint, after the tail of the trail
 * was cut off and the chain head reset.
 */
import { TransparencyLogService } from '@dss/audit';
import { AccountsService } from '@dss/accounts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, login } from './support/admin-api';
import { startAdmin, type RunningAdmin } from './support/admin-server';
import { createTestDatabase, type TestDatabase } from './support/database';
import { dssAdmin } from './support/dss-admin';
import { startDss, type RunningDss } from './support/dss-server';

const BOOTSTRAP_PASSWORD = 'first-start-bootstrap-secret';
const ADMIN_PASSWORD = 'harbour lantern violet 1987';
const ACTOR = { type: 'operator' as const, name: 'test' };

describe('audit verification against held checkpoints (e2e)', () => {
  let database: TestDatabase;
  let dss: RunningDss;
  let admin: RunningAdmin;
  let token: string;
  let env: { DSS_DATA_DIR: string; DSS_DATABASE_URL?: string };
  let size: number;
  const held = () => join(database.dataDir, 'held-checkpoint.txt');
  const exportFile = () => join(database.dataDir, 'export.ndjson');

  beforeAll(async () => {
    database = await createTestDatabase();
    const serverEnv = {
      DSS_ADMIN_BOOTSTRAP_PASSWORD: BOOTSTRAP_PASSWORD,
      DSS_LOGIN_RATE_LIMIT: '0',
    };
    dss = await startDss({ database, env: serverEnv });
    admin = await startAdmin({ database, env: serverEnv });
    env = { DSS_DATA_DIR: database.dataDir, DSS_DATABASE_URL: database.databaseUrl };
    const first = await login(admin.url, 'admin', BOOTSTRAP_PASSWORD);
    await request(admin.url)
      .post('/api/auth/password')
      .set(bearer(first))
      .send({ currentPassword: BOOTSTRAP_PASSWORD, newPassword: ADMIN_PASSWORD })
      .expect(200);
    token = await login(admin.url, 'admin', ADMIN_PASSWORD);
    for (const name of ['ann', 'bob', 'cat', 'dan', 'eve', 'fay'])
      await dss.app.get(AccountsService).register(name, ACTOR);
    const exported = await request(admin.url)
      .get('/api/audit/export')
      .set(bearer(token))
      .expect(200);
    writeFileSync(exportFile(), exported.text);
    const latest = await dss.app.get(TransparencyLogService).advance();
    size = latest.size;
    writeFileSync(held(), latest.note);
  });

  afterAll(async () => {
    await admin?.close();
    await dss?.close();
    await database?.drop();
  });

  it('passes an untouched trail against the held checkpoint, and its export offline', async () => {
    const r = await dssAdmin(['audit', 'verify', '--checkpoint', held()], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Audit trail intact: .* consistent with \d+ signed checkpoint/);
    const e = await dssAdmin(
      ['audit', 'verify-export', exportFile(), '--checkpoint', held(), '--json'],
      env,
    );
    expect(e.code).toBe(0);
    expect(e.json()).toMatchObject({ valid: true });
  });

  it('names the first event cut off the tail, in dss-admin and in the admin API', async () => {
    // The attacker removes the last 5 events and resets the chain head to the new last event.
    const ds = dss.app.get(DataSource);
    const rows = await ds.query<{ seq: number | string; hash: string }[]>(
      'SELECT seq, hash FROM audit_events WHERE seq = ?',
      [size - 5],
    );
    await ds.query('DELETE FROM audit_events WHERE seq > ?', [size - 5]);
    await ds.query('UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1', [
      size - 5,
      rows[0].hash,
    ]);
    const plain = await dssAdmin(['audit', 'verify'], env);
    expect(plain.code).toBe(5); // the stored tree and checkpoints already catch it

    const r = await dssAdmin(['audit', 'verify', '--checkpoint', held(), '--json'], env);
    expect(r.code).toBe(5);
    expect(r.json()).toMatchObject({
      valid: false,
      firstInvalidSeq: size - 4,
      firstBadIndex: size - 5,
    });
    const text = await dssAdmin(['audit', 'verify', '--checkpoint', held()], env);
    expect(text.stdout).toMatch(
      new RegExp(`^AUDIT TRAIL BROKEN at event ${size - 4} \\(log index ${size - 5}\\)`),
    );

    const api = await request(admin.url)
      .get('/api/audit/verify')
      .query({ checkpoint: readHeld() })
      .set(bearer(token))
      .expect(200);
    expect(api.body).toMatchObject({
      valid: false,
      firstBadIndex: size - 5,
      firstInvalidSeq: size - 4,
    });
    expect((api.body as { latestCheckpoint: string }).latestCheckpoint).toMatch(/\/dss-audit\n/);
    const status = await request(admin.url)
      .get('/api/audit/integrity')
      .set(bearer(token))
      .expect(200);
    expect(status.body).toMatchObject({
      lastVerification: { valid: false, firstInvalidSeq: size - 4 },
    });
  });

  it('refuses a checkpoint that is malformed or not signed by the log key', async () => {
    const bad = await request(admin.url)
      .get('/api/audit/verify')
      .query({ checkpoint: 'not a checkpoint' })
      .set(bearer(token));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_checkpoint' } });
    const forged = readHeld().replace(/\n\n.*$/s, '\n\n\u2014 x AAAAAAAAAAAA\n');
    const r = await request(admin.url)
      .get('/api/audit/verify')
      .query({ checkpoint: forged })
      .set(bearer(token));
    expect(r.status).toBe(400);
    const missing = await dssAdmin(['audit', 'verify', '--checkpoint', '/nonexistent/cp.txt'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^dss-admin: cannot read checkpoint file \/nonexistent\/cp.txt/);
  });

  it('finds an edited line of the export offline', async () => {
    const lines = readFileSync(exportFile(), 'utf8').split('\n');
    lines[2] = lines[2].replace(/"actor":"[^"]*"/, '"actor":"mallory"');
    writeFileSync(exportFile(), lines.join('\n'));
    const e = await dssAdmin(['audit', 'verify-export', exportFile(), '--checkpoint', held()], env);
    expect(e.code).toBe(5);
    expect(e.stdout).toMatch(/^EXPORT DOES NOT MATCH THE LOG/);
  });

  it("hides the operator's own reads from the default event listing, and shows them on request", async () => {
    const list = async (query: Record<string, string>) =>
      (
        await request(admin.url)
          .get('/api/audit/events')
          .query(query)
          .set(bearer(token))
          .expect(200)
      ).body as { items: { action: string; actor: string; verified: boolean }[] };
    await list({});
    const hidden = await list({ limit: '500' });
    expect(hidden.items.filter((e) => e.action === 'audit.read' && e.actor === 'admin')).toEqual(
      [],
    );
    const shown = await list({ limit: '500', includeOwnReads: 'true' });
    expect(
      shown.items.filter((e) => e.action === 'audit.read' && e.actor === 'admin').length,
    ).toBeGreaterThan(0);
  });

  function readHeld(): string {
    return readFileSync(held(), 'utf8');
  }
});
