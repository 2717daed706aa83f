/**
 * The admin dashboard in a real browser (Debian's headless Chromium, driven by playwright-core):
 * the admin app and the employee API run in-process on one database; the page is the built
 * dashboard the admin app serves at `/`. Walks the story — first sign-in and password
 * change, registering a colleague, that colleague's key deletion found again in the dashboard,
 * the integrity check — then an auditor who finds no write control, and a session that expires.
 *
 * Screenshots of every page go to a temporary directory, or to docs/screenshots with
 * DSS_UPDATE_SCREENSHOTS=1 (how the README's pictures are refreshed).
 */
import { DssClient } from '@dss/client';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startAdmin, type RunningAdmin } from './support/admin-server';
import { ensureDashboardBuilt, launchChromium, screenshotDir, watchPage } from './support/browser';
import { WRITE_CONTROLS } from './support/dashboard';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startDss, type RunningDss } from './support/dss-server';

const BOOTSTRAP_PASSWORD = 'first-start-bootstrap-secret';
const ADMIN_PASSWORD = 'harbour lantern violet 1987';
const AUDITOR_PASSWORD = 'quiet granite meadow 2044';
const CAROL_PASSWORD = 'carol-picked-a-long-passphrase';
const WIDE = { width: 1280, height: 860 };
const NARROW = { width: 390, height: 844 };

jest.setTimeout(60_000);

describe('admin dashboard in Chromium (e2e)', () => {
  let database: TestDatabase;
  let admin: RunningAdmin;
  let dss: RunningDss;
  let browser: Browser;
  let shots: string;
  const problems: string[] = [];

  /** A fresh browser profile: its own cookies, so one per operator. */
  async function newSession(viewport = WIDE): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, baseURL: admin.url });
    const page = await context.newPage();
    const seen = watchPage(page, admin.url);
    page.on('close', () => problems.push(...seen));
    return { context, page };
  }

  const shot = (page: Page, name: string, fullPage = true) =>
    page.screenshot({ path: join(shots, `${name}.png`), fullPage });

  /** Goes to a page through the navigation, as a person would. */
  async function openFromNav(page: Page, label: string): Promise<void> {
    const nav = page.getByRole('navigation', { name: 'Main' });
    if (!(await nav.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: label, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: label }).waitFor();
  }

  /** Calls the admin API with a bearer token (what a script would do). */
  async function api(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${admin.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function bearer(username: string, password: string): Promise<string> {
    const res = await fetch(`${admin.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  const employee = () =>
    new DssClient({ baseUrl: dss.url, serverPublicKey: dss.identity.publicKeyPem });

  /** Registers a user through the API, changes the password with the SDK, creates a key. */
  async function activeEmployee(token: string, username: string, signatures = 0) {
    const { body } = await api(token, 'POST', '/api/users', { username });
    const client = employee();
    await client.handshake();
    await client.login(username, String(body.temporaryPassword));
    await client.changePassword(String(body.temporaryPassword), `${username}-${CAROL_PASSWORD}`);
    await client.login(username, `${username}-${CAROL_PASSWORD}`);
    await client.createKeys();
    for (let i = 0; i < signatures; i++) await client.sign({ document: Buffer.from(`doc ${i}`) });
    return client;
  }

  beforeAll(async () => {
    ensureDashboardBuilt();
    shots = screenshotDir();
    database = await createTestDatabase();
    const env = {
      DSS_ADMIN_BOOTSTRAP_PASSWORD: BOOTSTRAP_PASSWORD,
      DSS_LOGIN_RATE_LIMIT: '0',
      DSS_LOG_LEVEL: 'silent',
    };
    admin = await startAdmin({ database, env });
    dss = await startDss({ database, env });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await dss?.close();
    await admin?.close();
    await database?.drop();
  });

  // Shared by the steps below, which run in order like one administrator's first day.
  let adminPage: Page;
  let temporaryPassword = '';
  let carolKey = { keyId: '', fingerprint: '' };

  it('serves the dashboard at / with no external resource and a same-origin CSP', async () => {
    const res = await fetch(`${admin.url}/`, { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${admin.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The API stays JSON for everyone.
    const apiAnswer = await fetch(`${admin.url}/api/users`, { headers: { Accept: 'text/html' } });
    expect(apiAnswer.status).toBe(401);
    expect(apiAnswer.headers.get('cache-control')).toBe('no-store');
  });

  it('signs in as the bootstrap admin, who must change the password first', async () => {
    ({ page: adminPage } = await newSession());
    await adminPage.goto('/');
    await adminPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    // A new installation: the page says where the first password is.
    await adminPage.getByText('First sign-in: the user is admin').waitFor();
    await shot(adminPage, 'sign-in');
    await adminPage.getByLabel('Username').fill('admin');
    await adminPage.getByLabel('Password').fill(BOOTSTRAP_PASSWORD);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();

    await adminPage.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(adminPage.url()).toBe(`${admin.url}/change-password`);
    // The password just typed is used as the current one, not asked again.
    await expect(adminPage.getByLabel('Current password').count()).resolves.toBe(0);
    // The form checks the confirmation before anything is sent.
    await adminPage.getByLabel('New password', { exact: true }).fill(ADMIN_PASSWORD);
    await adminPage.getByLabel('New password again').fill('something else entirely');
    await adminPage.getByRole('button', { name: 'Change password' }).click();
    await expect(adminPage.getByRole('alert').textContent()).resolves.toBe(
      'The two new passwords do not match.',
    );
    // The server's password policy answers in words.
    await adminPage.getByLabel('New password', { exact: true }).fill('password1234');
    await adminPage.getByLabel('New password again').fill('password1234');
    await adminPage.getByRole('button', { name: 'Change password' }).click();
    await adminPage.getByRole('alert').filter({ hasNotText: 'do not match' }).waitFor();
    const policy = await adminPage.getByRole('alert').textContent();
    expect(policy).toMatch(/^[A-Z].*\.$/);
    expect(policy).not.toMatch(/[{}]|weak_password/);
    await shot(adminPage, 'change-password');

    await adminPage.getByLabel('New password', { exact: true }).fill(ADMIN_PASSWORD);
    await adminPage.getByLabel('New password again').fill(ADMIN_PASSWORD);
    await adminPage.getByRole('button', { name: 'Change password' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await expect(adminPage.locator('.account-name').textContent()).resolves.toMatch(
      /^admin\s*Administrator$/,
    );
  });

  it('registers a colleague and shows the temporary password once, with a copy button', async () => {
    await openFromNav(adminPage, 'Users');
    await adminPage.getByLabel('Username', { exact: true }).fill('carol');
    await adminPage.getByRole('button', { name: 'Register', exact: true }).click();
    const secret = adminPage.locator('#temporary-password');
    await secret.waitFor();
    temporaryPassword = (await secret.textContent())?.trim() ?? '';
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(26);
    const panel = adminPage.getByRole('region', { name: 'Temporary password for carol' });
    await expect(panel.textContent()).resolves.toMatch(/shown only once.*will not be shown again/);
    await expect(panel.getByRole('button', { name: 'Copy' }).isVisible()).resolves.toBe(true);
    const row = adminPage.getByRole('row', { name: /carol/ });
    await expect(row.textContent()).resolves.toContain('Must change password');
    await shot(adminPage, 'users-temporary-password');

    // Registering the same name again is refused in words.
    await adminPage.getByLabel('Username', { exact: true }).fill('carol');
    await adminPage.getByRole('button', { name: 'Register', exact: true }).click();
    await adminPage.getByRole('region', { name: 'Register a user' }).getByRole('alert').waitFor();
    const refusal = await adminPage
      .getByRole('region', { name: 'Register a user' })
      .getByRole('alert')
      .textContent();
    expect(refusal).not.toMatch(/[{}]|user_exists/);

    // Once dismissed, the password is gone from the page for good.
    await panel.getByRole('button', { name: /hide the password/ }).click();
    await expect(adminPage.locator('#temporary-password').count()).resolves.toBe(0);
    await expect(adminPage.content()).resolves.not.toContain(temporaryPassword);
  });

  it('lets the colleague log in with it from the SDK, create and delete a key', async () => {
    const client = employee();
    await client.handshake();
    await expect(client.login('carol', temporaryPassword)).resolves.toMatchObject({
      mustChangePassword: true,
    });
    await client.changePassword(temporaryPassword, CAROL_PASSWORD);
    await client.login('carol', CAROL_PASSWORD);
    const key = await client.createKeys();
    carolKey = { keyId: key.keyId, fingerprint: key.fingerprint };
    await client.sign({ document: Buffer.from('quarterly report') });
    await client.deleteKeys();

    // More people, for a dashboard with something in it.
    const token = await bearer('admin', ADMIN_PASSWORD);
    await activeEmployee(token, 'dave', 3);
    await activeEmployee(token, 'erin', 1);
    await api(token, 'POST', '/api/users', { username: 'frank' });
  });

  it('finds that deletion in the Key deletions view, and the key in the inventory', async () => {
    await openFromNav(adminPage, 'Key deletions');
    const row = adminPage.getByRole('row', { name: /carol/ });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(carolKey.keyId);
    expect(text).toContain(carolKey.fingerprint.slice(0, 4));
    expect(text).toContain('carol (user)');
    expect(text).toContain('Not allowed');
    expect(text).toContain('Matches');
    await shot(adminPage, 'key-deletions');

    await openFromNav(adminPage, 'Keys');
    await adminPage.getByLabel('Status').selectOption('deleted');
    await adminPage.waitForURL(/status=deleted/);
    const deleted = adminPage.getByRole('row', { name: /carol/ });
    await deleted.waitFor();
    const grouped = carolKey.fingerprint.match(/.{1,4}/g)!.join(' ');
    await expect(deleted.textContent()).resolves.toContain(grouped);
    await adminPage.getByRole('row', { name: /dave/ }).waitFor({ state: 'detached' });
    await adminPage.getByLabel('Status').selectOption('');
    await adminPage.getByRole('row', { name: /dave/ }).waitFor();
    await shot(adminPage, 'keys');
  });

  it('changes users only after a confirmation: allow a new key, disable', async () => {
    await openFromNav(adminPage, 'Users');
    const carol = adminPage.getByRole('row', { name: /carol/ });
    await expect(carol.textContent()).resolves.toContain('Deleted — new key needs approval');

    await carol.getByRole('button', { name: 'Allow new key for carol' }).click();
    const dialog = adminPage.getByRole('dialog');
    await expect(dialog.getByRole('heading').textContent()).resolves.toBe(
      'Allow carol to create a new key pair?',
    );
    // Escape cancels; nothing changed.
    await adminPage.keyboard.press('Escape');
    await expect(dialog.isVisible()).resolves.toBe(false);
    await expect(carol.textContent()).resolves.toContain('new key needs approval');

    await carol.getByRole('button', { name: 'Allow new key for carol' }).click();
    await dialog.getByRole('button', { name: 'Allow new key' }).click();
    await adminPage
      .getByRole('status')
      .filter({ hasText: 'may now create a new key pair' })
      .waitFor();
    await carol
      .getByRole('button', { name: 'Allow new key for carol' })
      .waitFor({ state: 'detached' });

    const frank = adminPage.getByRole('row', { name: /frank/ });
    await frank.getByRole('button', { name: 'Disable for frank' }).click();
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await frank.getByText('Disabled', { exact: true }).waitFor();

    // Search and status filters live in the URL.
    await adminPage.getByLabel('Status').selectOption('disabled');
    await adminPage.waitForURL(/status=disabled/);
    await adminPage.getByRole('row', { name: /dave/ }).waitFor({ state: 'detached' });
    await adminPage.getByRole('button', { name: 'Clear' }).click();
    await adminPage.getByLabel('Username contains').fill('er');
    await adminPage.getByRole('button', { name: 'Search' }).click();
    await adminPage.waitForURL(/search=er/);
    await adminPage.getByRole('row', { name: /erin/ }).waitFor();
    await adminPage.getByRole('row', { name: /dave/ }).waitFor({ state: 'detached' });
    await adminPage.getByRole('button', { name: 'Clear' }).click();
    await adminPage.getByRole('row', { name: /dave/ }).waitFor();
    await shot(adminPage, 'users');
  });

  it('filters the audit log by action and user, and offers the exports', async () => {
    await openFromNav(adminPage, 'Audit log');
    await adminPage.getByLabel('Action').selectOption('key.deleted');
    await adminPage.getByLabel('User (who did it)').fill('carol');
    await adminPage.getByRole('button', { name: 'Filter' }).click();
    await adminPage.waitForURL(/action=key.deleted/);
    const rows = adminPage.locator('tbody tr');
    await rows.first().filter({ hasText: 'Key pair deleted' }).waitFor();
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain(carolKey.keyId);

    // Both actors at once cannot match anything: said in words, nothing sent.
    await adminPage.getByLabel('Operator (who did it)').fill('admin');
    await adminPage.getByRole('button', { name: 'Filter' }).click();
    await expect(adminPage.getByRole('alert').textContent()).resolves.toMatch(
      /either User or Operator/,
    );

    const ndjson = adminPage.getByRole('link', { name: 'Download NDJSON' });
    expect(await ndjson.getAttribute('href')).toBe('/api/audit/export?format=ndjson');
    const download = adminPage.waitForEvent('download');
    await adminPage.getByRole('link', { name: 'Download CSV' }).click();
    expect((await download).suggestedFilename()).toMatch(/\.csv$/);

    await adminPage.getByRole('button', { name: 'Clear' }).click();
    await rows.nth(10).waitFor();
    await expect(adminPage.getByLabel('Operator (who did it)').inputValue()).resolves.toBe('');
    await shot(adminPage, 'audit', false);
  });

  it('runs the integrity check and shows the result', async () => {
    await openFromNav(adminPage, 'Integrity');
    await adminPage.getByRole('button', { name: 'Verify the audit chain' }).click();
    const result = adminPage.getByRole('region', { name: /The audit trail is intact/ });
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    expect(text).toMatch(/Events checked\s*\d+/);
    expect(text).toMatch(/Head hash\s*[0-9a-f]{64}/);
    await shot(adminPage, 'integrity');
  });

  it('shows the overview counts and the signatures chart, at 1280 and at 390 px', async () => {
    await openFromNav(adminPage, 'Overview');
    const users = adminPage.getByRole('region', { name: /Users/ });
    await expect(users.getByRole('link', { name: /Disabled/ }).textContent()).resolves.toBe(
      '1Disabled',
    );
    await expect(users.getByRole('link', { name: /^\d+\s?Active$/ }).textContent()).resolves.toBe(
      '3Active',
    );
    const activity = adminPage.getByRole('region', { name: 'Keys and activity' });
    await expect(activity.getByRole('link', { name: /Active keys/ }).textContent()).resolves.toBe(
      '2Active keys',
    );
    await expect(
      activity.getByRole('link', { name: /Signatures in the last 24 hours/ }).textContent(),
    ).resolves.toBe('5Signatures in the last 24 hours');
    await expect(
      activity.getByRole('link', { name: /Key deletions in the last 30 days/ }).textContent(),
    ).resolves.toBe('1Key deletions in the last 30 days');
    await expect(adminPage.locator('.chart-bar').count()).resolves.toBe(14);
    await shot(adminPage, 'overview');

    await adminPage.setViewportSize(NARROW);
    // Nothing wider than the screen: no sideways scrolling at 390 px.
    const overflow = () =>
      adminPage.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    // (Every page at both widths, element by element: dashboard-layout.e2e-spec.ts.)
    await expect(overflow()).resolves.toBeLessThanOrEqual(0);
    await openFromNav(adminPage, 'Users');
    await adminPage.getByRole('row', { name: /dave/ }).waitFor();
    await expect(overflow()).resolves.toBeLessThanOrEqual(0);
    await openFromNav(adminPage, 'Audit log');
    await adminPage.locator('tbody tr').nth(3).waitFor();
    await expect(overflow()).resolves.toBeLessThanOrEqual(0);
    await adminPage.setViewportSize(WIDE);
  });

  it('is usable from the keyboard: skip link, navigation, dialog focus', async () => {
    await adminPage.goto('/users');
    await adminPage.getByRole('row', { name: /dave/ }).waitFor();
    await adminPage.keyboard.press('Tab');
    await expect(adminPage.locator(':focus').textContent()).resolves.toBe('Skip to content');
    await adminPage.keyboard.press('Enter');
    expect(adminPage.url()).toMatch(/#main$/);
    const dave = adminPage.getByRole('row', { name: /dave/ });
    await dave.getByRole('button', { name: 'Disable for dave' }).focus();
    await adminPage.keyboard.press('Enter');
    // Cancel has the focus, so Enter cannot confirm by accident.
    await expect(adminPage.locator(':focus').textContent()).resolves.toBe('Cancel');
    await adminPage.keyboard.press('Enter');
    await expect(adminPage.getByRole('dialog').isVisible()).resolves.toBe(false);
    await expect(dave.textContent()).resolves.toContain('Active');

    // Following a navigation link moves the focus to the new page's content.
    await adminPage.getByRole('link', { name: 'Keys', exact: true }).focus();
    await adminPage.keyboard.press('Enter');
    await adminPage.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
    await expect(adminPage.locator(':focus').getAttribute('id')).resolves.toBe('main');
  });

  it('gives an auditor every read view and no write control', async () => {
    const token = await bearer('admin', ADMIN_PASSWORD);
    const created = await api(token, 'POST', '/api/operators', {
      username: 'ava',
      role: 'auditor',
    });
    expect(created.status).toBe(201);

    const { context, page } = await newSession();
    await page.goto('/audit/integrity');
    await page.getByLabel('Username').fill('ava');
    await page.getByLabel('Password').fill(String(created.body.temporaryPassword));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(AUDITOR_PASSWORD);
    await page.getByLabel('New password again').fill(AUDITOR_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await expect(page.getByText('Auditor (read-only)').isVisible()).resolves.toBe(true);

    const pages: [string, string][] = [
      ['Overview', '.card'],
      ['Users', 'tbody tr'],
      ['Keys', 'tbody tr'],
      ['Audit log', 'tbody tr'],
      ['Key deletions', 'tbody tr'],
      ['Operators', 'tbody tr'],
      ['Integrity', 'main button'],
    ];
    for (const [label, content] of pages) {
      await openFromNav(page, label);
      await page.locator(content).first().waitFor();
      for (const role of ['button', 'link', 'heading', 'textbox', 'combobox'] as const)
        await expect(page.getByRole(role, { name: WRITE_CONTROLS }).count()).resolves.toBe(0);
    }
    await page.getByRole('button', { name: 'Verify the audit chain' }).click();
    await page.getByRole('region', { name: /The audit trail is intact/ }).waitFor();
    await openFromNav(page, 'Users');
    await page.getByRole('row', { name: /carol/ }).waitFor();
    await shot(page, 'auditor-users');
    // A user's page: everything to read, nothing to change.
    await page.getByRole('link', { name: 'carol', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'carol' }).waitFor();
    await page.getByRole('region', { name: 'Key history' }).locator('tbody tr').first().waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    for (const role of ['button', 'link', 'heading', 'textbox', 'combobox'] as const)
      await expect(page.getByRole(role, { name: WRITE_CONTROLS }).count()).resolves.toBe(0);
    await openFromNav(page, 'Users');

    // The server refuses anyway, with the session and CSRF token the page holds.
    const csrf = (await context.cookies()).find((c) => c.name === 'dss_csrf')?.value ?? '';
    expect(csrf).not.toBe('');
    const refused = await page.request.post('/api/users', {
      headers: { 'X-CSRF-Token': csrf },
      data: { username: 'mallory' },
    });
    expect(refused.status()).toBe(403);
    await expect(refused.json()).resolves.toMatchObject({ error: { code: 'forbidden' } });
    await context.close();
  });

  it('says so when the session has expired, and returns to the page after signing in', async () => {
    await adminPage.goto('/keys');
    await adminPage.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
    // The server forgets the session (as at its idle or absolute timeout).
    await adminPage.context().clearCookies({ name: 'dss_admin_session' });
    await adminPage.getByLabel('Status').selectOption('active');
    await adminPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(adminPage.getByRole('status').textContent()).resolves.toBe(
      'Your session has expired — please sign in again.',
    );
    await shot(adminPage, 'session-expired');
    await adminPage.getByLabel('Username').fill('admin');
    await adminPage.getByLabel('Password').fill(ADMIN_PASSWORD);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
    expect(adminPage.url()).toBe(`${admin.url}/keys?status=active`);
  });

  it('signs out', async () => {
    await adminPage.getByRole('button', { name: 'Sign out' }).click();
    await adminPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(adminPage.getByRole('status').textContent()).resolves.toBe('You have signed out.');
    // The bootstrap admin has signed in: no hint about its first password any more.
    await adminPage.waitForLoadState('networkidle');
    await expect(adminPage.getByText('First sign-in').count()).resolves.toBe(0);
    // The session is over on the server too: a reload stays signed out.
    await adminPage.goto('/users');
    await adminPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await adminPage.close();
    expect(problems).toEqual([]);
  });
});
