import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
const WEB_SOURCES = join(ROOT, 'apps', 'admin', 'web');
export const DASHBOARD_DIR = join(ROOT, 'dist', 'admin-web');

/** Debian's Chromium (the `chromium` package); never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium with everything that would reach the network at start-up turned off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds the dashboard (as `npm run build` does) when dist/admin-web is missing or older than its
 * sources, so the browser tests never run against a stale page.
 */
export function ensureDashboardBuilt(): void {
  const index = join(DASHBOARD_DIR, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(WEB_SOURCES)) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--configLoader', 'runner', '--config', join(WEB_SOURCES, 'vite.config.ts')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0)
    throw new Error(`the dashboard build failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * Where screenshots go: docs/screenshots (committed, shown in the README) when
 * DSS_UPDATE_SCREENSHOTS=1, else a temporary directory, so a test run leaves the tree clean.
 */
export function screenshotDir(): string {
  const dir =
    process.env.DSS_UPDATE_SCREENSHOTS === '1'
      ? join(ROOT, 'docs', 'screenshots')
      : join(tmpdir(), 'dss-dashboard-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Collects what would show a broken page: uncaught errors, console errors (a CSP refusal is one)
 * and requests to any other origin than the app's (there must be none: closed networks).
 */
export function watchPage(page: Page, origin: string): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // API refusals the page handles and words (401, 403, 409, 422, …) are logged by Chromium as
    // failed resources; those are expected. Anything else is not.
    if (msg.type() === 'error' && !/Failed to load resource: .*status of 4\d\d/.test(msg.text()))
      problems.push(`console: ${msg.text()}`);
  });
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('data:'))
      problems.push(`external request: ${url}`);
  });
  return problems;
}
