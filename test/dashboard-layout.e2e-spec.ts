/**
 * Every page of the dashboard at 1280 and at 390 px wide, in Debian's headless Chromium: nothing
 * is wider than the window, table labels do not break inside a word, the open Menu button stays
 * readable, dates are ISO 8601 in UTC. Also what a new installation shows first: the bootstrap
 * hint only until the bootstrap admin has signed in, one password prompt instead of two, and
 * empty states that say what to do next.
 *
 * Screenshots of every page at both widths go to a temporary directory, or to docs/screenshots
 * with DSS_UPDATE_SCREENSHOTS=1.
 */
import { type Page } from 'playwright-core';
import {
  brokenCellLabels,
  Dashboard,
  menuButtonContrast,
  NARROW,
  openFromNav,
  overflowProblems,
  signIn,
  WIDE,
} from './support/dashboard';

const BOOTSTRAP_PASSWORD = 'layout-bootstrap-secret-22';
const ADMIN_PASSWORD = 'granite willow harbour 5150';
const EMPLOYEE_PASSWORD = 'employee-long-passphrase-1';
/** The longest username there can be (64 characters), to stretch every table. */
const LONG_NAME = 'a-very-long-username.that-fills-the-whole-column_of-the-table-64';
/** Dates that are not ISO 8601: 05/01/2026, 5/1/26, 9:07 AM, 4 May, May 4. */
const LOCAL_DATE =
  /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b|\b\d{1,2}:\d{2}\s?(AM|PM)\b|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}\b/;

/** Every signed-in page, with its heading and screenshot name. */
const PAGES: [path: string, heading: string, name: string][] = [
  ['/', 'Overview', 'overview'],
  ['/users', 'Users', 'users'],
  [`/users/carol`, 'carol', 'user'],
  [`/users/${LONG_NAME}`, LONG_NAME, 'user-long-name'],
  ['/keys', 'Keys', 'keys'],
  ['/audit', 'Audit log', 'audit'],
  ['/audit/key-deletions', 'Key deletions', 'key-deletions'],
  ['/audit/integrity', 'Integrity', 'integrity'],
  ['/operators', 'Operators', 'operators'],
  ['/change-password', 'Change password', 'change-password'],
  ['/no-such-page', 'Page not found', 'not-found'],
];

jest.setTimeout(240_000);

describe('dashboard layout at 1280 and 390 px (e2e)', () => {
  const dash = new Dashboard();
  let page: Page;

  beforeAll(async () => {
    await dash.start({
      DSS_ADMIN_BOOTSTRAP_PASSWORD: BOOTSTRAP_PASSWORD,
      DSS_LOGIN_RATE_LIMIT: '0',
      DSS_LOGIN_MAX_FAILURES: '3',
      DSS_LOGIN_LOCKOUT_SECONDS: '900',
      DSS_LOG_LEVEL: 'silent',
    });
  });

  afterAll(async () => {
    await dash.close();
  });

  /** Waits until the page's first answers are in (no "Loading…" left). */
  async function settled(p: Page, heading: string): Promise<void> {
    await p.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
    await p.locator('.loading').first().waitFor({ state: 'detached' });
  }

  /** The checks every page passes at the current width, then its screenshot. */
  async function checkPage(p: Page, name: string): Promise<void> {
    const width = p.viewportSize()?.width ?? 0;
    const where = `${name} at ${width} px`;
    expect([where, await overflowProblems(p)]).toEqual([where, []]);
    if (width < 760) expect([where, await brokenCellLabels(p)]).toEqual([where, []]);
    const text = await p.locator('body').innerText();
    expect([where, LOCAL_DATE.exec(text)?.[0] ?? null]).toEqual([where, null]);
    // No browser date picker: it would show the viewer's locale next to "UTC".
    await expect(
      p.locator('input[type="date"], input[type="datetime-local"]').count(),
    ).resolves.toBe(0);
    await dash.shot(p, `${name}-${width}`);
  }

  it('shows the bootstrap hint on a new installation, and asks for the password only once', async () => {
    await expect(dash.api('', 'GET', '/api/auth/sign-in-status')).resolves.toEqual({
      status: 200,
      body: { bootstrapAdminPending: true },
    });
    ({ page } = await dash.newSession(NARROW));
    await page.goto('/');
    await page.getByText('First sign-in: the user is admin').waitFor();
    await checkPage(page, 'sign-in');
    await signIn(page, 'admin', BOOTSTRAP_PASSWORD);
    await settled(page, 'Choose a new password');
    await expect(page.getByLabel('Current password').count()).resolves.toBe(0);
    await checkPage(page, 'change-password-first');
    await page.getByLabel('New password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByLabel('New password again').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await settled(page, 'Overview');

    // From now on the sign-in page keeps the installation's secret paths to itself.
    await expect(dash.api('', 'GET', '/api/auth/sign-in-status')).resolves.toEqual({
      status: 200,
      body: { bootstrapAdminPending: false },
    });
    const other = await dash.newSession();
    await other.page.goto('/');
    await other.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await other.page.waitForLoadState('networkidle');
    await expect(other.page.getByText('First sign-in').count()).resolves.toBe(0);
    await other.page.close();
  });

  it('says what to do next when there is nothing yet', async () => {
    await page.setViewportSize(WIDE);
    await settled(page, 'Overview');
    await page.getByText('No users yet.').waitFor();
    await page.getByText('No signatures in the last 14 days.').waitFor();
    await expect(page.locator('.chart-bar').count()).resolves.toBe(0);
    await checkPage(page, 'overview-empty');
    await page.getByRole('link', { name: 'Register your first user' }).click();
    await settled(page, 'Users');
    const empty = page.locator('td.empty');
    await expect(empty.textContent()).resolves.toBe('No users yet — register the first one');
    await empty.getByRole('button', { name: 'register the first one' }).click();
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('new-username');
    await checkPage(page, 'users-empty');
    // With a filter set, the same empty table is about the filter.
    await page.getByLabel('Status').selectOption('locked');
    await page.waitForURL(/status=locked/);
    await expect(empty.textContent()).resolves.toBe('No users match these filters.');
  });

  it('fills the dashboard: long names, a locked user, a deleted key, signatures, operators', async () => {
    const token = await dash.bearer('admin', ADMIN_PASSWORD);
    const carol = await dash.activeEmployee(token, 'carol', EMPLOYEE_PASSWORD, 2);
    await carol.deleteKeys();
    await dash.activeEmployee(token, LONG_NAME, EMPLOYEE_PASSWORD, 3);
    await dash.activeEmployee(token, 'dave', EMPLOYEE_PASSWORD, 1);
    await dash.api(token, 'POST', '/api/users', { username: 'frank' });
    await dash.activeEmployee(token, 'erin', EMPLOYEE_PASSWORD);
    // Locked out by failed logins (DSS_LOGIN_MAX_FAILURES=3).
    const guesser = dash.employee();
    await guesser.handshake();
    for (let i = 0; i < 3; i++)
      await expect(guesser.login('erin', 'wrong password')).rejects.toThrow();
    await dash.api(token, 'POST', '/api/operators', { username: 'ava', role: 'auditor' });
    await dash.api(token, 'POST', '/api/operators', { username: LONG_NAME, role: 'admin' });
  });

  it.each([
    ['1280', WIDE],
    ['390', NARROW],
  ])('fits every page at %s px', async (_, viewport) => {
    await page.setViewportSize(viewport);
    for (const [path, heading, name] of PAGES) {
      await page.goto(path);
      await settled(page, heading);
      if (name === 'users') {
        // The long badge is in it, and wraps at 390 px instead of widening the table.
        await page.getByText('Deleted — new key needs approval').waitFor();
        await page.getByRole('button', { name: 'Unlock for erin' }).waitFor();
      }
      if (name === 'integrity') {
        await page.getByRole('button', { name: 'Verify the audit chain' }).click();
        await page.getByRole('region', { name: /The audit trail is intact/ }).waitFor();
      }
      await checkPage(page, name);
    }
  });

  it('fits the sign-in page at 1280 px too', async () => {
    const { page: out } = await dash.newSession(WIDE);
    await out.goto('/');
    await settled(out, 'Sign in');
    await checkPage(out, 'sign-in');
    await out.close();
  });

  it('keeps the open Menu readable on the narrow screen', async () => {
    await page.setViewportSize(NARROW);
    await page.goto('/keys');
    await settled(page, 'Keys');
    const closed = await menuButtonContrast(page);
    expect(closed).toBeGreaterThanOrEqual(4.5);
    // Clicking leaves the pointer over it: open and hovered at once.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await expect(
      page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded'),
    ).resolves.toBe('true');
    await expect(menuButtonContrast(page)).resolves.toBeGreaterThanOrEqual(4.5);
    await expect(overflowProblems(page)).resolves.toEqual([]);
    await dash.shot(page, 'menu-390', false);
    await openFromNav(page, 'Audit log');
  });

  it('takes dates as ISO days (YYYY-MM-DD, UTC) and refuses anything else in words', async () => {
    await page.setViewportSize(WIDE);
    await page.goto('/audit');
    await settled(page, 'Audit log');
    const from = page.getByLabel('From (UTC)');
    await expect(from.getAttribute('type')).resolves.toBe('text');
    await expect(from.getAttribute('placeholder')).resolves.toBe('YYYY-MM-DD');
    // A local-format date does not match the pattern: the browser will not submit it.
    await from.fill('05/01/2026');
    await expect(
      page.evaluate<boolean>(`document.getElementById('audit-from').validity.patternMismatch`),
    ).resolves.toBe(true);
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(page.url()).not.toMatch(/from=/);
    // A day that does not exist has the right shape: the page says what is wrong.
    await from.fill('2026-02-30');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(
      /The start date "2026-02-30" is not a day: write it as YYYY-MM-DD/,
    );
    const today = new Date().toISOString().slice(0, 10);
    await from.fill(today);
    await page.getByLabel('To (UTC, included)').fill(today);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(new RegExp(`from=${today}&to=${today}`));
    await page.locator('tbody tr').first().waitFor();
    const times = await page.locator('tbody td[data-label="Time"]').allTextContents();
    expect(times.length).toBeGreaterThan(0);
    for (const time of times)
      expect(time).toMatch(new RegExp(`^${today} \\d{2}:\\d{2}:\\d{2} UTC$`));
  });

  it('leaves no page error, console error or external request behind', async () => {
    await page.close();
    expect(dash.problems).toEqual([]);
  });
});
