/**
 * The dashboard never shows a forged row as good (docs/AUDIT-LOG.md §6): after a careful
 * attacker edits a `key.deleted` event and re-hashes the chain, the Integrity page, given the
 * checkpoint saved before, reports the first bad event; every page then carries the banner, and
 * the row is flagged in the Audit log and in Key deletions. In Debian's headless Chromium.
 */
import { chainHash, TransparencyLogService } from '@dss/audit';
import { DssClient } from '@dss/client';
import { AuditEventEntity } from '@dss/persistence';
import request from 'supertest';
import { type Browser, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { bearer, login } from './support/admin-api';
import { startAdmin, type RunningAdmin } from './support/admin-server';
import { ensureDashboardBuilt, launchChromium, watchPage } from './support/browser';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startDss, type RunningDss } from './support/dss-server';

const BOOTSTRAP_PASSWORD = 'first-start-bootstrap-secret';
const ADMIN_PASSWORD = 'harbour lantern violet 1987';

jest.setTimeout(60_000);

describe('dashboard integrity flags in Chromium (e2e)', () => {
  let database: TestDatabase;
  let admin: RunningAdmin;
  let dss: RunningDss;
  let browser: Browser;
  let page: Page;
  let held: string;
  let forgedSeq: number;
  const problems: string[] = [];

  beforeAll(async () => {
    ensureDashboardBuilt();
    database = await createTestDatabase();
    const env = { DSS_ADMIN_BOOTSTRAP_PASSWORD: BOOTSTRAP_PASSWORD, DSS_LOGIN_RATE_LIMIT: '0' };
    admin = await startAdmin({ database, env });
    dss = await startDss({ database, env });
    browser = await launchChromium();

    const first = await login(admin.url, 'admin', BOOTSTRAP_PASSWORD);
    await request(admin.url)
      .post('/api/auth/password')
      .set(bearer(first))
      .send({ currentPassword: BOOTSTRAP_PASSWORD, newPassword: ADMIN_PASSWORD })
      .expect(200);
    const token = await login(admin.url, 'admin', ADMIN_PASSWORD);
    const created = await request(admin.url)
      .post('/api/users')
      .set(bearer(token))
      .send({ username: 'dave' })
      .expect(201);
    const temporary = (created.body as { temporaryPassword: string }).temporaryPassword;
    const dave = new DssClient({ baseUrl: dss.url, serverPublicKey: dss.identity.publicKeyPem });
    await dave.login('dave', temporary);
    await dave.changePassword(temporary, 'dave-picked-a-long-passphrase');
    await dave.login('dave', 'dave-picked-a-long-passphrase');
    await dave.createKeys();
    await dave.deleteKeys();
    held = (await dss.app.get(TransparencyLogService).advance()).note;

    // The attacker: the deletion now says mallory did it, and the chain is re-hashed after it.
    const repo = dss.app.get(DataSource).getRepository(AuditEventEntity);
    const deleted = await repo.findOneByOrFail({ action: 'key.deleted' });
    forgedSeq = deleted.seq;
    await repo.update({ seq: forgedSeq }, { actor: 'mallory', actorType: 'user' });
    let prev = deleted.prevHash;
    for (const row of await repo.find({ order: { seq: 'ASC' } })) {
      if (row.seq < forgedSeq) continue;
      const hash = chainHash(prev, row);
      await repo.update({ seq: row.seq }, { prevHash: prev, hash });
      prev = hash;
    }
    await dss.app
      .get(DataSource)
      .query('UPDATE audit_chain_head SET hash = ? WHERE id = 1', [prev]);

    const context = await browser.newContext({ baseURL: admin.url });
    page = await context.newPage();
    const seen = watchPage(page, admin.url);
    page.on('close', () => problems.push(...seen));
    await page.goto('/');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await dss?.close();
    await admin?.close();
    await database?.drop();
  });

  async function openFromNav(label: string): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: label, exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: label }).waitFor();
  }

  it('shows no banner while the trail was never found broken', async () => {
    await openFromNav('Audit log');
    await expect(page.locator('.integrity-banner').count()).resolves.toBe(0);
  });

  it('finds the forged event against the checkpoint saved before, and shows the latest checkpoint', async () => {
    await openFromNav('Integrity');
    await page.getByLabel('A checkpoint you saved earlier (optional)').fill(held);
    await page.getByRole('button', { name: 'Verify the audit chain' }).click();
    const result = page.getByRole('region', { name: /The audit trail is broken/ });
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    expect(text).toContain(`event #${forgedSeq}`);
    expect(text).toMatch(/Signed checkpoints checked\s*\d+/);
    await expect(page.getByTestId('latest-checkpoint').textContent()).resolves.toMatch(
      /\/dss-audit\n\d+\n/,
    );
  });

  it('shows the banner on every page and flags the row in the Audit log', async () => {
    await openFromNav('Audit log');
    const banner = page
      .getByRole('alert')
      .filter({ hasText: 'The audit trail failed verification' });
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain(`at event #${forgedSeq}`);
    const row = page.getByRole('row').filter({ hasText: 'mallory' });
    await expect(row.textContent()).resolves.toContain('Fails verification');
    await openFromNav('Overview');
    await banner.waitFor();
  });

  it('flags the forged deletion in Key deletions instead of showing it as matching', async () => {
    await openFromNav('Key deletions');
    const row = page.getByRole('row').filter({ hasText: 'mallory' });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Fails verification');
    expect(text).not.toContain('Matches');
    expect(problems).toEqual([]);
  });
});
