/**
 * Operators, lockouts and one user's page in the dashboard, in Debian's headless Chromium: an
 * admin adds an auditor and reads the one-time password once; the auditor signs in with it in a
 * fresh browser, chooses a password without typing the first one again, and finds no write
 * control; reset, disable and enable with confirmations; Unlock (not Enable) for an operator and
 * a user locked by failed logins; and a user's page with their keys, signatures and events.
 */
import { type Page } from 'playwright-core';
import { Dashboard, openFromNav, signIn, WIDE, WRITE_CONTROLS } from './support/dashboard';

const BOOTSTRAP_PASSWORD = 'operators-bootstrap-secret-1';
const ADMIN_PASSWORD = 'orchard kettle saffron 2031';
const AUDITOR_PASSWORD = 'pebble lighthouse cobalt 77';
const UMA_PASSWORD = 'uma-picked-a-long-passphrase';
const MAX_FAILURES = 3;

jest.setTimeout(90_000);

describe('operators, unlock and the user page in Chromium (e2e)', () => {
  const dash = new Dashboard();
  let token = '';
  let adminPage: Page;
  let oneTimePassword = '';

  beforeAll(async () => {
    await dash.start({
      DSS_ADMIN_BOOTSTRAP_PASSWORD: BOOTSTRAP_PASSWORD,
      DSS_LOGIN_RATE_LIMIT: '0',
      DSS_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      DSS_LOGIN_LOCKOUT_SECONDS: '900',
      DSS_LOG_LEVEL: 'silent',
    });
    token = await dash.readyBootstrapAdmin(BOOTSTRAP_PASSWORD, ADMIN_PASSWORD);
    ({ page: adminPage } = await dash.newSession());
    await adminPage.goto('/');
    await signIn(adminPage, 'admin', ADMIN_PASSWORD);
    await adminPage.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  });

  afterAll(async () => {
    await dash.close();
  });

  /** The row of one name in the page's table. */
  const row = (page: Page, name: string) =>
    page.getByRole('row').filter({
      has: page.getByRole('rowheader', { name: new RegExp(`^${name}(?![a-z0-9._-])`) }),
    });

  /** Clicks an action, checks the confirmation's title, confirms. */
  async function confirmAction(page: Page, button: string, title: string, confirm: string) {
    await page.getByRole('button', { name: button, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('heading').textContent()).resolves.toBe(title);
    await dialog.getByRole('button', { name: confirm, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  it('adds an auditor on the Operators page and shows the one-time password once', async () => {
    await openFromNav(adminPage, 'Operators');
    // The admin's own row: no action on oneself.
    const me = row(adminPage, 'admin');
    await expect(me.textContent()).resolves.toMatch(/^admin\s*you/);
    await expect(me.textContent()).resolves.toMatch(/Administrator/);
    await expect(me.getByRole('button').count()).resolves.toBe(0);

    await adminPage.getByLabel('Username', { exact: true }).fill('Olivia');
    await adminPage.getByLabel('Role').selectOption('auditor');
    await adminPage.getByRole('button', { name: 'Add operator' }).click();
    const panel = adminPage.getByRole('region', { name: 'Temporary password for olivia' });
    await panel.waitFor();
    oneTimePassword = ((await adminPage.locator('#temporary-password').textContent()) ?? '').trim();
    expect(oneTimePassword).toMatch(/^[0-9A-Z-]{31}$/);
    await expect(panel.textContent()).resolves.toMatch(/shown only once.*will not be shown again/);
    const olivia = row(adminPage, 'olivia');
    await expect(olivia.textContent()).resolves.toMatch(
      /Auditor \(read-only\).*Must change password.*Never/,
    );
    await dash.shot(adminPage, 'operators-one-time-password');

    // The same name again is refused in words.
    await adminPage.getByLabel('Username', { exact: true }).fill('olivia');
    await adminPage.getByRole('button', { name: 'Add operator' }).click();
    const refusal = adminPage.getByRole('region', { name: 'Add an operator' }).getByRole('alert');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.not.toMatch(/[{}]|conflict/);

    await panel.getByRole('button', { name: /hide the password/ }).click();
    await expect(adminPage.content()).resolves.not.toContain(oneTimePassword);
    // The API agrees: an auditor who must change the password.
    const listed = await dash.api(token, 'GET', '/api/operators/olivia');
    expect(listed.body).toMatchObject({ role: 'auditor', status: 'must_change_password' });
  });

  it('lets the auditor sign in with it in a fresh browser, change it once, and see no write control', async () => {
    const { context, page } = await dash.newSession();
    await page.goto('/operators');
    await signIn(page, 'olivia', oneTimePassword);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // The password just typed is not asked again.
    await expect(page.getByLabel('Current password').count()).resolves.toBe(0);
    await page.getByLabel('New password', { exact: true }).fill(AUDITOR_PASSWORD);
    await page.getByLabel('New password again').fill(AUDITOR_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await expect(page.getByText('Auditor (read-only)').first().isVisible()).resolves.toBe(true);
    // The browser keeps no password anywhere a script could read it.
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...window.sessionStorage, ...window.localStorage })',
    );
    expect(stored).not.toContain(AUDITOR_PASSWORD);
    expect(stored).not.toContain(oneTimePassword);

    await openFromNav(page, 'Operators');
    await row(page, 'admin').waitFor();
    await expect(
      page.getByText('Only an administrator can add or change operators.').count(),
    ).resolves.toBe(1);
    for (const role of ['button', 'link', 'heading', 'textbox', 'combobox'] as const)
      await expect(page.getByRole(role, { name: WRITE_CONTROLS }).count()).resolves.toBe(0);
    await dash.shot(page, 'operators-auditor');

    // The server refuses an auditor's write with the session and CSRF token the page holds.
    const csrf = (await context.cookies()).find((c) => c.name === 'dss_csrf')?.value ?? '';
    const refused = await page.request.post('/api/operators', {
      headers: { 'X-CSRF-Token': csrf },
      data: { username: 'mallory', role: 'admin' },
    });
    expect(refused.status()).toBe(403);
    await context.close();
  });

  it('resets, disables and enables an operator, each after a confirmation', async () => {
    await adminPage.reload();
    const olivia = row(adminPage, 'olivia');
    await olivia.waitFor();
    await expect(olivia.textContent()).resolves.toMatch(/Active/);

    // Cancel changes nothing.
    await olivia.getByRole('button', { name: 'Disable for olivia' }).click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expect(olivia.textContent()).resolves.toMatch(/Active/);

    await confirmAction(
      adminPage,
      'Reset password for olivia',
      'Reset the password of olivia?',
      'Reset password',
    );
    const secret = adminPage.locator('#temporary-password');
    await secret.waitFor();
    const reset = ((await secret.textContent()) ?? '').trim();
    expect(reset).not.toBe(oneTimePassword);
    await adminPage.getByRole('button', { name: /hide the password/ }).click();
    await olivia.getByText('Must change password').waitFor();

    await confirmAction(adminPage, 'Disable for olivia', 'Disable olivia?', 'Disable');
    await adminPage.getByRole('status').filter({ hasText: 'olivia is disabled.' }).waitFor();
    await olivia.getByText('Disabled', { exact: true }).waitFor();
    expect(
      (await dash.api('', 'POST', '/api/auth/login', { username: 'olivia', password: reset }))
        .status,
    ).toBe(401);

    await confirmAction(adminPage, 'Enable for olivia', 'Enable olivia?', 'Enable');
    await olivia.getByText('Must change password').waitFor();
    // Sign in and choose a password again, for the next step.
    const first = await dash.bearer('olivia', reset);
    await dash.api(first, 'POST', '/api/auth/password', {
      currentPassword: reset,
      newPassword: AUDITOR_PASSWORD,
    });
  });

  it('offers Unlock, not Enable, for an operator locked by failed sign-ins', async () => {
    for (let i = 0; i < MAX_FAILURES; i++)
      await dash.api('', 'POST', '/api/auth/login', {
        username: 'olivia',
        password: 'wrong guess',
      });
    const locked = await dash.api('', 'POST', '/api/auth/login', {
      username: 'olivia',
      password: AUDITOR_PASSWORD,
    });
    expect(locked.status).toBe(429);

    await adminPage.reload();
    const olivia = row(adminPage, 'olivia');
    await olivia.getByText('Locked', { exact: true }).waitFor();
    await expect(olivia.textContent()).resolves.toMatch(/until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await expect(olivia.getByRole('button', { name: 'Enable for olivia' }).count()).resolves.toBe(
      0,
    );
    await dash.shot(adminPage, 'operators');
    await confirmAction(adminPage, 'Unlock for olivia', 'Unlock olivia?', 'Unlock');
    await adminPage.getByRole('status').filter({ hasText: 'olivia is unlocked.' }).waitFor();
    await olivia.getByText('Active', { exact: true }).waitFor();
    await expect(dash.bearer('olivia', AUDITOR_PASSWORD)).resolves.toMatch(/\S/);
  });

  it('offers Unlock, not Enable, for a user locked by failed logins', async () => {
    await dash.activeEmployee(token, 'uma', UMA_PASSWORD, 2);
    const attacker = dash.employee();
    await attacker.handshake();
    for (let i = 0; i < MAX_FAILURES; i++)
      await expect(attacker.login('uma', 'not her password')).rejects.toThrow();
    await expect(attacker.login('uma', UMA_PASSWORD)).rejects.toMatchObject({
      code: 'too_many_attempts',
    });

    await openFromNav(adminPage, 'Users');
    const umaRow = row(adminPage, 'uma');
    await umaRow.locator('td[data-label="Status"]').getByText('Locked', { exact: true }).waitFor();
    await expect(umaRow.getByRole('button', { name: 'Enable for uma' }).count()).resolves.toBe(0);
    await confirmAction(adminPage, 'Unlock for uma', 'Unlock uma?', 'Unlock');
    await adminPage.getByRole('status').filter({ hasText: 'uma is unlocked.' }).waitFor();
    await umaRow.locator('td[data-label="Status"]').getByText('Active', { exact: true }).waitFor();
    // She can log in again, from the address that was locked.
    const again = dash.employee();
    await again.handshake();
    await expect(again.login('uma', UMA_PASSWORD)).resolves.toBeDefined();
  });

  it('shows a user’s page: account, key history, signatures, events and the actions', async () => {
    // A key deleted and a new one allowed and made: two pairs in the history.
    const uma = dash.employee();
    await uma.handshake();
    await uma.login('uma', UMA_PASSWORD);
    const first = await uma.getPublicKey();
    await uma.deleteKeys();

    await openFromNav(adminPage, 'Users');
    await row(adminPage, 'uma').getByRole('link', { name: 'uma' }).click();
    await adminPage.waitForURL(/\/users\/uma$/);
    await adminPage.getByRole('heading', { level: 1, name: 'uma' }).waitFor();
    const account = adminPage.getByRole('region', { name: 'Account' });
    await expect(account.textContent()).resolves.toMatch(/Deleted — new key needs approval/);

    await confirmAction(
      adminPage,
      'Allow new key for uma',
      'Allow uma to create a new key pair?',
      'Allow new key',
    );
    await adminPage
      .getByRole('status')
      .filter({ hasText: 'may now create a new key pair' })
      .waitFor();
    const second = await uma.createKeys();
    await uma.sign({ document: Buffer.from('after the new key') });
    await adminPage.reload();

    const history = adminPage.getByRole('region', { name: 'Key history' });
    const grouped = (hex: string) =>
      hex
        .toLowerCase()
        .match(/.{1,4}/g)!
        .join(' ');
    const oldRow = history.getByRole('row').filter({ hasText: grouped(first.fingerprint) });
    const newRow = history.getByRole('row').filter({ hasText: grouped(second.fingerprint) });
    await newRow.waitFor();
    await expect(oldRow.textContent()).resolves.toMatch(
      /Deleted.*\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/,
    );
    await expect(newRow.textContent()).resolves.toContain('Active');
    await expect(newRow.textContent()).resolves.toContain(second.keyId);
    await expect(account.textContent()).resolves.toContain(grouped(second.fingerprint));

    const signatures = adminPage.getByRole('region', { name: 'Recent signatures' });
    await expect(signatures.locator('tbody tr').count()).resolves.toBe(3);
    await expect(signatures.locator('tbody tr').first().textContent()).resolves.toContain(
      second.keyId,
    );

    const events = adminPage.getByRole('region', { name: 'Recent audit events' });
    for (const label of [
      'user.unlocked',
      'key.deleted',
      'user.key_creation_allowed',
      'key.created',
    ])
      await events.getByText(label, { exact: true }).first().waitFor();
    await dash.shot(adminPage, 'user');

    // The actions work from here too, after the same confirmation.
    await confirmAction(adminPage, 'Disable for uma', 'Disable uma?', 'Disable');
    await account.locator('.badge', { hasText: /^Disabled$/ }).waitFor();
    await confirmAction(adminPage, 'Enable for uma', 'Enable uma?', 'Enable');
    await account.locator('.badge', { hasText: /^Active$/ }).waitFor();

    // A name that does not exist says so.
    await adminPage.goto('/users/nobody');
    await adminPage.getByText('There is no user named nobody.').waitFor();
  });

  it('leaves no page error, console error or external request behind', async () => {
    await adminPage.setViewportSize(WIDE);
    await adminPage.close();
    expect(dash.problems).toEqual([]);
  });
});
