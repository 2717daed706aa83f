/**
 * Dual control (DSS_DUAL_CONTROL=true, docs/OPERATIONS.md "Dual control"): cancelling a pending
 * key deletion and allowing a new key pair are asked for by one administrator and carried out
 * only when a second, different one approves (admin API and `dss-admin approvals`). Every step is
 * audited with its actor. The clock is injected and set, never slept.
 */
import { DssClient } from '@dss/client';
import { ManualClock } from '@dss/common';
import { AuditEventEntity } from '@dss/persistence';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { KeyDeletionSweeper } from '../apps/dss/src/keys/key-deletion-sweeper';
import { bearer, firstLogin, login, readyOperator } from './support/admin-api';
import { startAdmin, type RunningAdmin } from './support/admin-server';
import { dssAdmin } from './support/dss-admin';
import { Dashboard, openFromNav, signIn } from './support/dashboard';
import { startDss, type RunningDss } from './support/dss-server';
import { registeredEmployee } from './support/employee';
import { dssApiErrorOf } from './support/thrown';

const PASSWORD = 'orchard-lantern-47-quietly';
const ADMIN_PASSWORD = 'bootstrap-admin-password-1';
const ADMIN_NEW_PASSWORD = 'the-admin-chose-this-one-9';
const A_PASSWORD = 'first-approver-password-31';
const B_PASSWORD = 'second-approver-password-52';
const AUDITOR_PASSWORD = 'reading-only-auditor-pw-77';
const HOUR_MS = 3_600_000;
const ENV = { DSS_KEY_DELETION_GRACE: '1h', DSS_DUAL_CONTROL: 'true' };

describe('dual control (e2e)', () => {
  let dss: RunningDss;
  let admin: RunningAdmin;
  let clock: ManualClock;
  const tokens: Record<'a' | 'b' | 'auditor', string> = { a: '', b: '', auditor: '' };

  const api = () => request(admin.url);
  const as = (who: 'a' | 'b' | 'auditor') => bearer(tokens[who]);
  const cliEnv = () => ({
    DSS_DATA_DIR: dss.database.dataDir,
    DSS_DATABASE_URL: dss.database.databaseUrl,
    ...ENV,
  });
  const eventsOf = (subject: string) =>
    dss.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .find({ where: { subject }, order: { seq: 'ASC' } });

  /** Logs the three operators in again (after the clock moved past the idle timeout). */
  async function loginAll(): Promise<void> {
    tokens.a = await login(admin.url, 'admin.a', A_PASSWORD);
    tokens.b = await login(admin.url, 'admin.b', B_PASSWORD);
    tokens.auditor = await login(admin.url, 'audrey', AUDITOR_PASSWORD);
  }

  /** A user with a fresh secure session. */
  async function employee(name: string, password = PASSWORD): Promise<DssClient> {
    const client = new DssClient({ baseUrl: dss.url, serverPublicKey: dss.identity.publicKeyPem });
    await client.handshake();
    await client.login(name, password);
    return client;
  }

  const newEmployee = (name: string): Promise<DssClient> => registeredEmployee(dss, name, PASSWORD);

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    dss = await startDss({ clock, env: ENV });
    admin = await startAdmin({
      clock,
      database: dss.database,
      env: { ...ENV, DSS_ADMIN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD, DSS_LOGIN_RATE_LIMIT: '0' },
    });
    const root = await firstLogin(admin.url, 'admin', ADMIN_PASSWORD, ADMIN_NEW_PASSWORD);
    await readyOperator(admin.url, root, 'admin.a', 'admin', A_PASSWORD);
    await readyOperator(admin.url, root, 'admin.b', 'admin', B_PASSWORD);
    await readyOperator(admin.url, root, 'audrey', 'auditor', AUDITOR_PASSWORD);
    await loginAll();
  });
  afterAll(async () => {
    await admin?.close();
    await dss?.close();
  });

  it('cancelling a deletion waits for a second administrator', async () => {
    const kim = await newEmployee('kim');
    const key = await kim.createKeys();
    await kim.deleteKeys();

    const asked = await api()
      .post('/api/keys/pending-deletions/kim/cancel')
      .set(as('a'))
      .expect(202);
    expect(asked.body).toEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      kind: 'cancel_deletion',
      username: 'kim',
      requestedBy: 'admin.a',
      requestedAt: new Date(clock.now()).toISOString(),
      expiresAt: new Date(clock.now() + 24 * HOUR_MS).toISOString(),
      status: 'pending',
      decidedBy: null,
      decidedAt: null,
    });
    const id = asked.body.id as string;
    // Nothing happened yet: the key still does not sign, the deletion is still pending.
    expect(await dssApiErrorOf(kim.sign({ document: Buffer.from('not yet') }))).toMatchObject({
      status: 404,
      code: 'no_key',
    });
    const pending = await api().get('/api/keys/pending-deletions').set(as('b')).expect(200);
    expect((pending.body as { items: { keyId: string }[] }).items.map((d) => d.keyId)).toEqual([
      key.keyId,
    ]);

    // Admins and auditors read the requests; an auditor cannot approve.
    for (const who of ['b', 'auditor'] as const) {
      const listed = await api().get('/api/approvals?status=pending').set(as(who)).expect(200);
      expect(listed.body.items).toEqual([asked.body]);
    }
    await api().get('/api/approvals?status=nonsense').set(as('b')).expect(400);
    const forbidden = await api().post(`/api/approvals/${id}/approve`).set(as('auditor'));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');

    const own = await api().post(`/api/approvals/${id}/approve`).set(as('a')).expect(403);
    expect(own.body.error.code).toBe('self_approval');
    expect(await dssApiErrorOf(kim.sign({ document: Buffer.from('still not') }))).toMatchObject({
      code: 'no_key',
    });

    const approved = await api().post(`/api/approvals/${id}/approve`).set(as('b')).expect(200);
    expect(approved.body).toMatchObject({
      approval: { id, status: 'approved', decidedBy: 'admin.b', requestedBy: 'admin.a' },
      cancelled: { username: 'kim', keyId: key.keyId },
    });
    expect((await kim.sign({ document: Buffer.from('signs again') })).keyId).toBe(key.keyId);

    const again = await api().post(`/api/approvals/${id}/approve`).set(as('b')).expect(409);
    expect(again.body.error.code).toBe('not_pending');
    await api().post(`/api/approvals/${id}/reject`).set(as('b')).expect(409);
    await api()
      .post('/api/approvals/00000000-0000-4000-8000-000000000000/approve')
      .set(as('b'))
      .expect(404);
    await api().post('/api/approvals/not-a-uuid/approve').set(as('b')).expect(404);
    expect((await api().get('/api/approvals?status=pending').set(as('b'))).body.items).toEqual([]);

    const trail = (await eventsOf(id)).map((e) => [e.action, e.actor]);
    expect(trail).toEqual([
      ['approval.requested', 'admin.a'],
      ['approval.approved', 'admin.b'],
    ]);
    const cancelled = (await eventsOf(key.keyId)).filter(
      (e) => e.action === 'key.deletion_cancelled',
    );
    expect(cancelled.map((e) => e.actor)).toEqual(['admin.b']);
  });

  it('a rejected request changes nothing', async () => {
    const kim = await employee('kim');
    await kim.deleteKeys();
    const asked = await api()
      .post('/api/keys/pending-deletions/kim/cancel')
      .set(as('b'))
      .expect(202);
    const id = asked.body.id as string;
    const rejected = await api().post(`/api/approvals/${id}/reject`).set(as('a')).expect(200);
    expect(rejected.body).toMatchObject({ id, status: 'rejected', decidedBy: 'admin.a' });
    await api().post(`/api/approvals/${id}/approve`).set(as('a')).expect(409);
    expect(await dssApiErrorOf(kim.sign({ document: Buffer.from('rejected') }))).toMatchObject({
      code: 'no_key',
    });
    expect((await eventsOf(id)).map((e) => [e.action, e.actor])).toEqual([
      ['approval.requested', 'admin.b'],
      ['approval.rejected', 'admin.a'],
    ]);
    const all = await api().get('/api/approvals?status=rejected').set(as('auditor')).expect(200);
    expect((all.body as { items: { id: string }[] }).items.map((a) => a.id)).toEqual([id]);
  });

  it('dss-admin asks and approves as named administrators', async () => {
    const kim = await employee('kim');
    const noAs = await dssAdmin(['keys', 'cancel-deletion', 'kim'], cliEnv());
    expect(noAs.code).toBe(2);
    expect(noAs.stderr).toContain('--as NAME');
    const auditorAs = await dssAdmin(
      ['keys', 'cancel-deletion', 'kim', '--as', 'audrey'],
      cliEnv(),
    );
    expect(auditorAs.code).not.toBe(0);
    expect(auditorAs.stderr).toContain('not an enabled admin operator');

    const asked = await dssAdmin(
      ['keys', 'cancel-deletion', 'kim', '--as', 'admin.a', '--json'],
      cliEnv(),
    );
    expect({ code: asked.code, stderr: asked.stderr }).toEqual({ code: 0, stderr: '' });
    const request = asked.json<{ id: string; status: string; requestedBy: string }>();
    expect(request).toMatchObject({ status: 'pending', requestedBy: 'admin.a' });

    const listed = await dssAdmin(['approvals', 'list', '--json'], cliEnv());
    expect(listed.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toEqual([request.id]);

    const self = await dssAdmin(['approvals', 'approve', request.id, '--as', 'admin.a'], cliEnv());
    expect(self.code).not.toBe(0);
    expect(self.stderr).toContain('a second administrator must approve');
    // The admin API sees the same administrator: no self-approval there either.
    const ownApi = await api()
      .post(`/api/approvals/${request.id}/approve`)
      .set(as('a'))
      .expect(403);
    expect(ownApi.body.error.code).toBe('self_approval');

    const ok = await dssAdmin(
      ['approvals', 'approve', request.id, '--as', 'admin.b', '--json'],
      cliEnv(),
    );
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ok.json()).toMatchObject({ approval: { status: 'approved', decidedBy: 'admin.b' } });
    expect((await kim.sign({ document: Buffer.from('cli approved') })).keyId).toBeDefined();
    const twice = await dssAdmin(['approvals', 'approve', request.id, '--as', 'admin.b'], cliEnv());
    expect(twice.code).toBe(4);

    const trail = await eventsOf(request.id);
    expect(
      trail.map((e) => [e.action, e.actor, (JSON.parse(e.details) as { via?: string }).via]),
    ).toEqual([
      ['approval.requested', 'admin.a', expect.stringMatching(/^cli:/)],
      ['approval.approved', 'admin.b', expect.stringMatching(/^cli:/)],
    ]);
  });

  it('allowing a new key after a deletion needs a second administrator', async () => {
    const lee = await newEmployee('lee');
    await lee.createKeys();
    await lee.deleteKeys();
    // The grace period ends: the key is destroyed, as an immediate deletion would.
    clock.advance(HOUR_MS);
    expect(await dss.app.get(KeyDeletionSweeper).sweep()).toBe(1);
    await loginAll();
    const again = await employee('lee');
    expect(await dssApiErrorOf(again.createKeys())).toMatchObject({
      status: 409,
      code: 'key_deleted',
    });

    const asked = await api().post('/api/users/lee/allow-new-key').set(as('a')).expect(202);
    expect(asked.body).toMatchObject({
      kind: 'allow_new_key',
      username: 'lee',
      requestedBy: 'admin.a',
      status: 'pending',
    });
    const id = asked.body.id as string;
    expect(await dssApiErrorOf(again.createKeys())).toMatchObject({ code: 'key_deleted' });
    const own = await api().post(`/api/approvals/${id}/approve`).set(as('a')).expect(403);
    expect(own.body.error.code).toBe('self_approval');

    const approved = await api().post(`/api/approvals/${id}/approve`).set(as('b')).expect(200);
    expect(approved.body).toMatchObject({ approval: { status: 'approved' }, changed: true });
    const key = await again.createKeys();
    expect((await again.sign({ document: Buffer.from('new key') })).keyId).toBe(key.keyId);

    expect((await eventsOf(id)).map((e) => [e.action, e.actor])).toEqual([
      ['approval.requested', 'admin.a'],
      ['approval.approved', 'admin.b'],
    ]);
    const allowed = (await eventsOf('lee')).filter((e) => e.action === 'user.key_creation_allowed');
    expect(
      allowed.map((e) => [e.actor, (JSON.parse(e.details) as { changed: boolean }).changed]),
    ).toEqual([['admin.b', true]]);

    await api().post('/api/users/nobody.here/allow-new-key').set(as('a')).expect(404);
    await api().post('/api/users/lee/allow-new-key').set(as('auditor')).expect(403);
  });

  it('a request expires after 24 hours and can no longer be approved', async () => {
    const asked = await api().post('/api/users/lee/allow-new-key').set(as('a')).expect(202);
    const id = asked.body.id as string;
    clock.advance(24 * HOUR_MS);
    await loginAll();
    const listed = await api().get('/api/approvals').set(as('b')).expect(200);
    expect(
      (listed.body as { items: { id: string }[] }).items.find((a) => a.id === id),
    ).toMatchObject({
      status: 'expired',
    });
    expect((await api().get('/api/approvals?status=pending').set(as('b'))).body.items).toEqual([]);
    const late = await api().post(`/api/approvals/${id}/approve`).set(as('b')).expect(409);
    expect(late.body.error).toMatchObject({ code: 'not_pending', status: 'expired' });
    expect((await eventsOf(id)).map((e) => e.action)).toEqual(['approval.requested']);
  });
});

describe('dual control on the dashboard’s Keys page (Chromium, e2e)', () => {
  const dash = new Dashboard();
  jest.setTimeout(90_000);

  beforeAll(async () => {
    await dash.start({
      ...ENV,
      DSS_ADMIN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD,
      DSS_LOGIN_RATE_LIMIT: '0',
      DSS_LOG_LEVEL: 'silent',
    });
  });
  afterAll(async () => {
    await dash.close();
  });

  async function keysPageOf(username: string, password: string) {
    const { context, page } = await dash.newSession();
    await page.goto('/');
    await signIn(page, username, password);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await openFromNav(page, 'Keys');
    return { context, page };
  }

  it('lists the pending request; only another admin sees Approve, and approving applies it', async () => {
    const root = await dash.readyBootstrapAdmin(ADMIN_PASSWORD, ADMIN_NEW_PASSWORD);
    const url = dash.admin.url;
    const ann = await readyOperator(url, root, 'ann', 'admin', A_PASSWORD);
    await readyOperator(url, root, 'ben', 'admin', B_PASSWORD);
    await readyOperator(url, root, 'aud', 'auditor', AUDITOR_PASSWORD);
    const kim = await dash.activeEmployee(root, 'kim', PASSWORD);
    await kim.deleteKeys();
    const asked = await dash.api(ann, 'POST', '/api/keys/pending-deletions/kim/cancel');
    expect(asked.status).toBe(202);

    const own = await keysPageOf('ann', A_PASSWORD);
    const ownSection = own.page.getByRole('region', { name: 'Pending approvals' });
    await ownSection.getByRole('rowheader', { name: 'kim' }).waitFor();
    await expect(ownSection.getByText('your request').count()).resolves.toBe(1);
    await expect(own.page.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    await own.context.close();

    const auditor = await keysPageOf('aud', AUDITOR_PASSWORD);
    const readOnly = auditor.page.getByRole('region', { name: 'Pending approvals' });
    await readOnly.getByRole('rowheader', { name: 'kim' }).waitFor();
    await expect(
      auditor.page.getByRole('button', { name: /^(Approve|Reject)$/ }).count(),
    ).resolves.toBe(0);
    await auditor.context.close();

    const other = await keysPageOf('ben', B_PASSWORD);
    const section = other.page.getByRole('region', { name: 'Pending approvals' });
    await section.getByRole('rowheader', { name: 'kim' }).waitFor();
    await dash.shot(other.page, 'keys-pending-approvals');
    await section.getByRole('button', { name: 'Approve' }).click();
    await section.waitFor({ state: 'detached' });
    expect(
      (await kim.sign({ document: Buffer.from('approved in the dashboard') })).keyId,
    ).toBeDefined();
    const events = await dash.dss.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .find({ where: { subject: String(asked.body.id) }, order: { seq: 'ASC' } });
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['approval.requested', 'ann'],
      ['approval.approved', 'ben'],
    ]);
    await other.context.close();
    expect(dash.problems).toEqual([]);
  });
});
