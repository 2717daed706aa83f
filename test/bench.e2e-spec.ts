/**
 * Smoke run of the benchmark (`npm run bench -- --quick`): the built harness starts the service on
 * the engine DSS_DATABASE_URL selects (SQLite when unset), registers users, runs every phase for a
 * few seconds at low concurrency, and writes its JSON result and SVG chart. Asserts that nothing
 * failed and that every result field is there and numeric; never a speed threshold.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchResult, type PointResult } from '../bench/types';
import { REPO_ROOT } from './support/spawn';

const ENTRY = join(REPO_ROOT, 'dist', 'bench', 'main.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY, ...args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DSS_DATABASE_URL: process.env.DSS_DATABASE_URL,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectNumber(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${path} is ${JSON.stringify(value)}, expected a finite number`);
  }
}

function expectNumbers(object: unknown, paths: string[], prefix: string): void {
  for (const path of paths) {
    const value = path
      .split('.')
      .reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], object);
    expectNumber(value, `${prefix}.${path}`);
  }
}

const POINT_FIELDS = [
  'concurrency',
  'windowSeconds',
  'operations',
  'perSecond',
  'errors',
  'latencyMs.p50',
  'latencyMs.p95',
  'latencyMs.p99',
  'latencyMs.max',
  'latencyMs.mean',
  'server.cpuCores',
  'server.mainThreadCores',
  'server.cpuMsPerOp',
  'server.rssMB',
  'server.peakRssMB',
  'driverCpuCores',
  'databaseCpuCores',
  'machineCpuCores',
  'otherCpuCores',
  'driverLoopDelayP99Ms',
  'attempts',
];

function expectPoint(point: PointResult | undefined, name: string): void {
  expect(point).toBeDefined();
  expectNumbers(point, POINT_FIELDS, name);
  expect(point!.errors).toBe(0);
  expect(point!.operations).toBeGreaterThan(0);
}

describe('the benchmark harness (e2e smoke run)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dss-bench-test-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every phase with zero errors and reports every field', async () => {
    const json = join(dir, 'result.json');
    const svg = join(dir, 'chart.svg');
    const { code, stdout, stderr } = await run([
      '--quick',
      '--no-progress',
      '--json-out',
      json,
      '--svg-out',
      svg,
    ]);
    if (code !== 0) throw new Error(`bench exited ${String(code)}:\n${stdout}\n${stderr}`);
    const r = JSON.parse(readFileSync(json, 'utf8')) as BenchResult;

    expect(r.errors).toEqual({ total: 0, samples: [] });
    expect(r.database.engine).toBe(process.env.DSS_DATABASE_URL ? 'mysql' : 'sqlite');
    expect(r.options.quick).toBe(true);
    expectNumbers(
      r,
      [
        'elapsedSeconds',
        'machine.cores',
        'machine.memoryMB',
        'rawSign.documentSize',
        'rawSign.perSecond',
        'rawSign.documentPerSecond',
        'rawSign.digestPerSecond',
        'rawSign.digestFallbackPerSecond',
        'rawCosts.handshakePerSecond',
        'rawCosts.bcryptMs',
        'rawCosts.bcryptCost',
        'options.quietCores',
        'options.retries',
        'server.cpuSeconds',
        'server.peakRssMB',
        'ratios.serviceToCeiling',
        'ratios.serviceToRawSign',
        'ratios.ceilingToRawSign',
        'ratios.handshakesToCeiling',
      ],
      'result',
    );
    expect(r.rawSign.perSecond).toBeGreaterThan(0);
    // The service's digest path is OpenSSL's (the native module `npm ci` built), not JavaScript.
    expect(r.rawSign.digestNative).toBe(true);

    expect(r.ceiling).toHaveLength(r.options.concurrency.length);
    expect(r.service).toHaveLength(r.options.concurrency.length);
    r.ceiling.forEach((p, i) => expectPoint(p, `ceiling[${i}]`));
    r.service.forEach((p, i) => expectPoint(p, `service[${i}]`));
    expectPoint(r.handshakes, 'handshakes');
    expectPoint(r.handshakeCeiling, 'handshakeCeiling');
    expectPoint(r.logins, 'logins');
    // The variants of the signing load: the other mode, CMS, one user on every session.
    expect(r.variants?.map((v) => v.name)).toEqual(['digest', 'cms', 'one-user']);
    for (const v of r.variants ?? []) {
      expectPoint(v.point, `variants.${v.name}`);
      expectNumbers(v, ['relativeToService'], `variants.${v.name}`);
    }

    const b = r.backgroundLogins;
    expectNumbers(
      b,
      [
        'concurrency',
        'loginsPerSecondTarget',
        'loginsPerSecond',
        'loginErrors',
        'loginsSkipped',
        'loginLatencyMs.p50',
        'loginLatencyMs.p99',
        'loginLatencyMs.max',
        'baselineP99Ms',
        'p99Ratio',
      ],
      'backgroundLogins',
    );
    expect(b.loginErrors).toBe(0);
    expectPoint(b.signing, 'backgroundLogins.signing');

    const s = r.sessions;
    expectNumbers(
      s,
      [
        'requested',
        'opened',
        'verified',
        'openSeconds',
        'perSecond',
        'errors',
        'rssBeforeMB',
        'rssMB',
        'bytesPerSession',
      ],
      'sessions',
    );
    expect(s.errors).toBe(0);
    expect(s.opened).toBe(s.requested);
    expect(s.verified).toBeGreaterThan(0);

    for (const p of r.ratios.perConcurrency) {
      expectNumbers(p, ['concurrency', 'serviceToCeiling'], 'ratios.perConcurrency');
    }
    expect(r.targets.map((t) => t.id)).toEqual([
      'throughput-vs-ceiling',
      'p99-at-64',
      'handshakes',
      'background-login-rate',
      'background-login-p99',
      'sessions-rss',
      'errors',
    ]);
    for (const t of r.targets) {
      expectNumbers(t, ['target', 'measured'], `targets.${t.id}`);
      expect(typeof t.met).toBe('boolean');
      expect(typeof t.applicable).toBe('boolean');
    }

    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
    expect(stdout).toContain('handshake ceiling');
    expect(stdout).toContain('targets:');
    expect(stdout).toContain('errors: 0');
    expect(existsSync(json)).toBe(true);

    // `--compare`: every figure beside an earlier result's; against itself, no change anywhere.
    const compared = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'dist', 'bench', 'summarize.js'), '--compare', json, json],
      { encoding: 'utf8' },
    );
    expect(compared.status).toBe(0);
    const rows = compared.stdout.split('\n').filter((l) => /^\| (c=|raw|handshakes)/.test(l));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row).toMatch(/\| (\+0\.0%|–) \|$/);
  }, 180_000);
});
