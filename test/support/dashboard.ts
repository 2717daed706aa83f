/**
 * The dashboard's browser tests in one harness: the admin app and the employee API in-process on
 * one database, Debian's headless Chromium, and the steps a person takes (sign in, open a page
 * from the navigation), plus the checks every page must pass (no horizontal overflow).
 */
import { DssClient } from '@dss/client';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startAdmin, type RunningAdmin } from './admin-server';
import { ensureDashboardBuilt, launchChromium, screenshotDir, watchPage } from './browser';
import { createTestDatabase, type TestDatabase } from './database';
import { startDss, type RunningDss } from './dss-server';

export const WIDE = { width: 1280, height: 860 };
export const NARROW = { width: 390, height: 844 };

/** Names of every control that changes something; an auditor must see none of them. */
export const WRITE_CONTROLS =
  /^(Register|Reset password|Disable|Enable|Unlock|Allow new key|Add operator|Register your first user|register the first one)( for .*)?$|Register a user|Add an operator/;

export class Dashboard {
  admin!: RunningAdmin;
  dss!: RunningDss;
  private database!: TestDatabase;
  private browser!: Browser;
  private shots = '';
  /** Page errors, console errors and external requests of every page closed so far. */
  readonly problems: string[] = [];

  /** Builds the dashboard if needed, starts both apps on a new database, launches Chromium. */
  async start(env: Record<string, string>): Promise<void> {
    ensureDashboardBuilt();
    this.shots = screenshotDir();
    this.database = await createTestDatabase();
    this.admin = await startAdmin({ database: this.database, env });
    this.dss = await startDss({ database: this.database, env });
    this.browser = await launchChromium();
  }

  async close(): Promise<void> {
    await this.browser?.close();
    await this.dss?.close();
    await this.admin?.close();
    await this.database?.drop();
  }

  /** A fresh browser profile: its own cookies, so one per operator. */
  async newSession(viewport = WIDE): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ viewport, baseURL: this.admin.url });
    const page = await context.newPage();
    const seen = watchPage(page, this.admin.url);
    page.on('close', () => this.problems.push(...seen));
    return { context, page };
  }

  /** Saves a screenshot (docs/screenshots with DSS_UPDATE_SCREENSHOTS=1). */
  shot(page: Page, name: string, fullPage = true): Promise<Buffer> {
    return page.screenshot({ path: join(this.shots, `${name}.png`), fullPage });
  }

  /** Calls the admin API with a bearer token (what a script would do). */
  async api(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${this.admin.url}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** A bearer token for an operator whose password needs no change. */
  async bearer(username: string, password: string): Promise<string> {
    const { status, body } = await this.api('', 'POST', '/api/auth/login', { username, password });
    if (status !== 200) throw new Error(`login ${username}: ${status} ${JSON.stringify(body)}`);
    return String(body.accessToken);
  }

  /** The bootstrap admin's first password change, through the API; returns a token. */
  async readyBootstrapAdmin(bootstrapPassword: string, password: string): Promise<string> {
    const first = await this.bearer('admin', bootstrapPassword);
    const changed = await this.api(first, 'POST', '/api/auth/password', {
      currentPassword: bootstrapPassword,
      newPassword: password,
    });
    if (changed.status !== 200) throw new Error(`password change: ${changed.status}`);
    return this.bearer('admin', password);
  }

  employee(): DssClient {
    return new DssClient({
      baseUrl: this.dss.url,
      serverPublicKey: this.dss.identity.publicKeyPem,
    });
  }

  /** Registers a user through the API, changes the password with the SDK, creates a key, signs. */
  async activeEmployee(token: string, username: string, password: string, signatures = 0) {
    const { body } = await this.api(token, 'POST', '/api/users', { username });
    const client = this.employee();
    await client.handshake();
    await client.login(username, String(body.temporaryPassword));
    await client.changePassword(String(body.temporaryPassword), password);
    await client.login(username, password);
    await client.createKeys();
    for (let i = 0; i < signatures; i++) await client.sign({ document: Buffer.from(`doc ${i}`) });
    return client;
  }
}

/** Goes to a page through the navigation, as a person would (through the Menu when narrow). */
export async function openFromNav(page: Page, label: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  if (!(await nav.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
  await nav.getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

/** Signs in on the sign-in page (already open). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/*
 * The checks below run inside the page. They are plain JavaScript strings: the tests compile
 * without the DOM library, as Node code.
 */

const OVERFLOW_SCRIPT = `(() => {
  const width = window.innerWidth;
  const found = [];
  const scroll = document.documentElement.scrollWidth;
  if (scroll > width) found.push('document scrollWidth ' + scroll + ' > ' + width);
  const name = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + id + cls + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  };
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (box.right > width + 1) found.push(name(el) + ' ends at ' + Math.round(box.right));
  }
  return found;
})()`;

/**
 * What sticks out sideways at the current viewport: the page's scroll width beyond the window,
 * and every visible element whose box ends right of it (one pixel of rounding allowed).
 */
export function overflowProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(OVERFLOW_SCRIPT);
}

const CELL_LABELS_SCRIPT = `(() => {
  const broken = new Set();
  for (const cell of document.querySelectorAll('.table [data-label]')) {
    const label = cell.getAttribute('data-label') || '';
    const before = getComputedStyle(cell, '::before');
    if (before.content === 'none' || before.content === 'normal') continue;
    // Labels of one word must fit on one line; longer ones may wrap between words.
    if (/\\s/.test(label)) continue;
    const probe = document.createElement('span');
    probe.textContent = label;
    for (const prop of ['font-size', 'font-weight', 'font-family', 'letter-spacing', 'text-transform'])
      probe.style.setProperty(prop, before.getPropertyValue(prop));
    probe.style.whiteSpace = 'nowrap';
    probe.style.position = 'absolute';
    probe.style.visibility = 'hidden';
    document.body.appendChild(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    const room = parseFloat(before.width);
    if (needed > room + 0.5) broken.add(label + ': needs ' + needed.toFixed(1) + ' px, has ' + room);
  }
  return [...broken];
})()`;

/**
 * Labels of the narrow-screen table cards (`data-label`, drawn before each cell) that would not
 * fit on one line in their box — "FINGERPRIN T" broken over two lines.
 */
export function brokenCellLabels(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(CELL_LABELS_SCRIPT);
}

const MENU_CONTRAST_SCRIPT = `(() => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    const parts = (m ? m[1] : '0,0,0,0').split(',').map((p) => parseFloat(p));
    return [parts[0], parts[1], parts[2], parts[3] === undefined ? 1 : parts[3]];
  };
  const blend = (top, bottom) =>
    [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const button = [...document.querySelectorAll('button')].find(
    (b) => (b.textContent || '').trim() === 'Menu',
  );
  if (!button) return 0;
  let behind = [255, 255, 255, 1];
  for (let el = button.parentElement; el; el = el.parentElement) {
    const bg = parse(getComputedStyle(el).backgroundColor);
    if (bg[3] > 0) {
      behind = blend(bg, [255, 255, 255, 1]);
      break;
    }
  }
  const style = getComputedStyle(button);
  const background = blend(parse(style.backgroundColor), behind);
  const text = blend(parse(style.color), background);
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(text), luminance(background)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
})()`;

/**
 * WCAG 2 contrast ratio of the Menu button's text on what is behind it: its own background,
 * blended over the first opaque background up the tree (the top bar).
 */
export function menuButtonContrast(page: Page): Promise<number> {
  return page.evaluate<number>(MENU_CONTRAST_SCRIPT);
}
