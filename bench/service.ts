/**
 * The processes under test: the built DSS service and the ceiling server, each spawned as a
 * separate process, with their CPU time and memory read from /proc; the run's own database
 * (a temporary SQLite data directory, or a fresh uniquely named MySQL/MariaDB database dropped at
 * the end); and user registration through the admin services (AdminCliModule), in-process.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import {
  AccountsService,
  type IssuedTemporaryPassword,
  loadOrCreatePepper,
  PasswordHasher,
} from '@dss/accounts';
import { createLogger, systemClock } from '@dss/common';
import { loadConfig } from '@dss/config';
import { MasterKeyRing } from '@dss/keystore';
import { createConnection } from 'mysql2/promise';
import { AdminCliModule } from '../apps/dss-admin/src/admin-cli.module';
import { pool } from './driver';
import { type MemoryBreakdown, type ProcessUsage } from './types';

/** The repository root (this file runs from dist/bench/). */
export const REPO_ROOT = join(__dirname, '..', '..');
export const SERVICE_ENTRY = join(REPO_ROOT, 'dist', 'apps', 'dss', 'src', 'main.js');
const CEILING_ENTRY = join(__dirname, 'ceiling-server.js');
const HANDSHAKE_CEILING_ENTRY = join(__dirname, 'handshake-ceiling-server.js');
const PROFILE_HOOK = join(__dirname, 'profile-hook.js');

// ----------------------------------------------------------------------------------- /proc

let clockTicks = 0;
function ticksPerSecond(): number {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a /proc/<pid>[/task/<tid>]/stat file, in seconds (NaN when unreadable). */
function cpuSecondsOf(statFile: string): number {
  try {
    const text = readFileSync(statFile, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3 (state).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return Number.NaN;
  }
}

/** Busy and total CPU time of the whole machine so far, in seconds (the `cpu` line of /proc/stat). */
export interface MachineSample {
  at: number;
  busySeconds: number;
}

export function sampleMachine(): MachineSample {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    const busy = ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4];
    return { at: performance.now(), busySeconds: busy / ticksPerSecond() };
  } catch {
    return { at: performance.now(), busySeconds: Number.NaN };
  }
}

export interface ProbeSample {
  at: number;
  cpuSeconds: number;
  mainThreadCpuSeconds: number;
  rssMB: number;
  peakRssMB: number;
}

/** Reads a process's CPU time and memory from /proc (Linux). */
export class ProcessProbe {
  /** Highest VmHWM seen by any sample, across {@link ProcessProbe.resetPeak} calls. */
  runPeakMB = 0;

  constructor(readonly pid: number) {}

  sample(): ProbeSample {
    let rssMB = Number.NaN;
    let peakRssMB = Number.NaN;
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (name: string): number =>
        Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
      rssMB = kb('VmRSS') / 1024;
      peakRssMB = kb('VmHWM') / 1024;
    } catch {
      // process gone or no /proc
    }
    if (peakRssMB > this.runPeakMB) this.runPeakMB = peakRssMB;
    return {
      at: performance.now(),
      cpuSeconds: cpuSecondsOf(`/proc/${this.pid}/stat`),
      mainThreadCpuSeconds: cpuSecondsOf(`/proc/${this.pid}/task/${this.pid}/stat`),
      rssMB,
      peakRssMB,
    };
  }

  /** Resets VmHWM to the current RSS (Linux `clear_refs` 5), so a phase gets its own peak. */
  resetPeak(): boolean {
    this.sample();
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** The local MariaDB/MySQL server process, if one runs on this machine and is readable. */
  static findDatabaseServer(): ProcessProbe | undefined {
    try {
      for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        try {
          const comm = readFileSync(`/proc/${name}/comm`, 'utf8').trim();
          if (comm === 'mariadbd' || comm === 'mysqld') return new ProcessProbe(Number(name));
        } catch {
          // raced with an exiting process
        }
      }
    } catch {
      // no /proc
    }
    return undefined;
  }
}

const finite = (n: number): number => (Number.isFinite(n) ? n : 0);
const round = (n: number, digits = 3): number =>
  Math.round(finite(n) * 10 ** digits) / 10 ** digits;

/** CPU seconds per wall second between two samples. */
export function coresBetween(a: ProbeSample | undefined, b: ProbeSample | undefined): number {
  if (!a || !b || b.at <= a.at) return 0;
  return round((b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000));
}

/** Busy cores of the whole machine between two samples. */
export function machineCoresBetween(a: MachineSample, b: MachineSample): number {
  if (b.at <= a.at) return 0;
  return round((b.busySeconds - a.busySeconds) / ((b.at - a.at) / 1000));
}

/** What the process used between two samples, for `operations` operations. */
export function usageBetween(a: ProbeSample, b: ProbeSample, operations: number): ProcessUsage {
  const wall = (b.at - a.at) / 1000;
  const cpu = b.cpuSeconds - a.cpuSeconds;
  return {
    cpuCores: round(cpu / wall),
    mainThreadCores: round((b.mainThreadCpuSeconds - a.mainThreadCpuSeconds) / wall),
    cpuMsPerOp: round(operations > 0 ? (cpu * 1000) / operations : 0, 4),
    rssMB: round(b.rssMB, 1),
    peakRssMB: round(b.peakRssMB, 1),
  };
}

// ----------------------------------------------------------------------------------- database

export interface BenchDatabase {
  engine: 'sqlite' | 'mysql';
  /** The run's own database URL (MySQL); undefined for SQLite. */
  url: string | undefined;
  /** Temporary directory of the run: the service's data directory lives inside it. */
  runDir: string;
  dataDir: string;
  version: string;
  /** Whether the database server runs on this machine (it then shares the CPUs). */
  local: boolean;
  drop(): Promise<void>;
}

const SAFE_IDENTIFIER = /^[A-Za-z0-9_]+$/;

/**
 * A fresh temporary data directory, and with `baseUrl` (mysql:// or mariadb://) a fresh database
 * `<name>_bench_<hex>` next to the one the URL names, dropped by `drop()`.
 */
export async function createBenchDatabase(baseUrl: string | undefined): Promise<BenchDatabase> {
  const runDir = await mkdtemp(join(tmpdir(), 'dss-bench-'));
  const dataDir = join(runDir, 'data');
  const removeDir = (): Promise<void> => rm(runDir, { recursive: true, force: true });
  if (!baseUrl) {
    let version = 'unknown';
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Sqlite = require('better-sqlite3') as typeof import('better-sqlite3');
      const db = new Sqlite(':memory:');
      version = `SQLite ${(db.prepare('select sqlite_version() as v').get() as { v: string }).v}`;
      db.close();
    } catch {
      // the version is informative only
    }
    return {
      engine: 'sqlite',
      url: undefined,
      runDir,
      dataDir,
      version,
      local: true,
      drop: removeDir,
    };
  }
  if (!/^(mysql|mariadb):\/\//i.test(baseUrl)) {
    await removeDir();
    throw new Error('DSS_DATABASE_URL: expected mysql://… or mariadb://…');
  }
  const url = new URL(baseUrl);
  const base = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'dss';
  const name = `${base}_bench_${randomBytes(5).toString('hex')}`;
  if (!SAFE_IDENTIFIER.test(name) || name.length > 64) {
    await removeDir();
    throw new Error(`cannot derive a database name from "${base}"`);
  }
  const connect = () =>
    createConnection({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : 3306,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });
  let version = 'unknown';
  const admin = await connect().catch(async (err: unknown) => {
    await removeDir();
    throw err;
  });
  try {
    const [rows] = await admin.query('SELECT VERSION() AS v');
    version = String((rows as { v: string }[])[0]?.v ?? 'unknown');
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } catch (err) {
    await removeDir();
    throw err;
  } finally {
    await admin.end();
  }
  const runUrl = new URL(baseUrl);
  runUrl.pathname = `/${name}`;
  return {
    engine: 'mysql',
    url: runUrl.toString(),
    runDir,
    dataDir,
    version: /mariadb/i.test(version) ? `MariaDB ${version}` : `MySQL ${version}`,
    local: ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname),
    drop: async () => {
      const connection = await connect();
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
        await removeDir();
      }
    },
  };
}

// ---------------------------------------------------------------------------------- processes

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface ProfileReply {
  type: 'profile-started' | 'profile-stopped' | 'profile-error' | 'memory';
  file?: string;
  message?: string;
  memory?: MemoryBreakdown;
}

/** A spawned server process: its output (kept for diagnostics), /proc probe and shutdown. */
export class ServerProcess {
  readonly probe: ProcessProbe;
  private output = '';
  readonly exited: Promise<number | null>;
  private replies: ((reply: ProfileReply) => void)[] = [];

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.probe = new ProcessProbe(child.pid ?? 0);
    const keep = (d: Buffer): void => {
      this.output = (this.output + d.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (m: ProfileReply) => this.replies.shift()?.(m));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output;
  }

  /** Resolves with the first stdout match of `pattern`; rejects on exit or after `ms`. */
  waitFor(pattern: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => {
        reject(new Error(`${this.name}: not ready within ${ms} ms:\n${this.output.slice(-2000)}`));
      }, ms);
      const check = (d: Buffer): void => {
        seen += d.toString();
        const m = pattern.exec(seen);
        if (m) {
          clearTimeout(timer);
          this.child.stdout?.off('data', check);
          resolve(m);
        }
      };
      this.child.stdout?.on('data', check);
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${String(code)}):\n${this.output.slice(-2000)}`));
      });
    });
  }

  /** Asks the profile hook (service started with `profile: true`) to start or stop profiling. */
  profile(
    message:
      | { type: 'profile-start'; intervalUs: number }
      | { type: 'profile-stop'; file: string }
      | { type: 'memory' },
  ): Promise<ProfileReply> {
    return new Promise((resolve, reject) => {
      if (!this.child.send) return reject(new Error(`${this.name}: no IPC channel`));
      this.replies.push(resolve);
      this.child.send(message);
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A spawned server the load driver can reach. */
export interface Endpoint {
  process: ServerProcess;
  host: string;
  port: number;
}

export interface RunningService extends Endpoint {
  publicKeyPem: string;
}

export interface ServiceEnvOptions {
  db: BenchDatabase;
  port: number;
  adminPort: number;
  bcryptCost: number;
}

/** The service's environment: production, rate limits off, a large session bound, the run's database. */
export function serviceEnv(o: ServiceEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    // As `npm start` and the Docker image run it.
    NODE_ENV: 'production',
    DSS_DATA_DIR: o.db.dataDir,
    DSS_HOST: '127.0.0.1',
    DSS_PORT: String(o.port),
    DSS_ADMIN_HOST: '127.0.0.1',
    DSS_ADMIN_PORT: String(o.adminPort),
    DSS_LOG_LEVEL: 'warn',
    DSS_HANDSHAKE_RATE_LIMIT: '0',
    DSS_LOGIN_RATE_LIMIT: '0',
    // The one-user variant logs one account in on many sessions at once; the lockout counts
    // attempts in flight as possible failures (against parallel guessing), so raise its bound.
    DSS_LOGIN_MAX_FAILURES: '1000',
    DSS_LOGIN_ACCOUNT_MAX_FAILURES: '1000000',
    DSS_MAX_SESSIONS: '1000000',
    DSS_BCRYPT_COST: String(o.bcryptCost),
    // Long enough that no session of a long run expires: lifetime does not change the work.
    DSS_SESSION_TTL_SECONDS: '14400',
    DSS_SESSION_IDLE_SECONDS: '14400',
  };
  if (o.db.url) env.DSS_DATABASE_URL = o.db.url;
  return env;
}

/** Starts `node dist/apps/dss/src/main.js` (with the profile hook preloaded when asked). */
export async function startService(
  env: Record<string, string>,
  cwd: string,
  profile: boolean,
): Promise<RunningService> {
  const args = profile ? ['--require', PROFILE_HOOK, SERVICE_ENTRY] : [SERVICE_ENTRY];
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: profile ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  const server = new ServerProcess('the DSS service', child);
  const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/, 120_000);
  const { hostname, port } = new URL(url);
  const publicKeyPem = readFileSync(join(env.DSS_DATA_DIR, 'dss_public.pem'), 'utf8');
  return { process: server, host: hostname, port: Number(port), publicKeyPem };
}

export interface RunningCeiling extends Endpoint {
  identityPublicKeyPem: string;
  signingPublicKeyPem: string;
}

export interface RunningHandshakeCeiling extends Endpoint {
  identityPublicKeyPem: string;
}

/** Starts one of the bare servers (bench/bare-server.ts) and reads the line it prints. */
async function startBareServer<T extends object>(
  entry: string,
  name: string,
): Promise<Endpoint & T> {
  const child = spawn(process.execPath, [entry], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = new ServerProcess(name, child);
  const [line] = await server.waitFor(/^\{.*\}$/m, 30_000);
  const info = JSON.parse(line) as { port: number } & T;
  return { process: server, host: '127.0.0.1', ...info };
}

/** Starts the minimal signing ceiling server (bench/ceiling-server.ts) as a separate process. */
export function startCeiling(): Promise<RunningCeiling> {
  return startBareServer<Omit<RunningCeiling, keyof Endpoint>>(CEILING_ENTRY, 'the ceiling server');
}

/** Starts the minimal handshake server (bench/handshake-ceiling-server.ts) as a separate process. */
export function startHandshakeCeiling(): Promise<RunningHandshakeCeiling> {
  return startBareServer<Omit<RunningHandshakeCeiling, keyof Endpoint>>(
    HANDSHAKE_CEILING_ENTRY,
    'the handshake ceiling server',
  );
}

// -------------------------------------------------------------------------------------- users

/**
 * Registers users through the admin services (the AdminCliModule `dss-admin` uses), in this
 * process, on the service's data directory and database: same master key and pepper files, same
 * bcrypt cost. Returns each user's one-time temporary password.
 */
export async function registerUsers(
  env: Record<string, string>,
  cwd: string,
  usernames: readonly string[],
  concurrency: number,
): Promise<IssuedTemporaryPassword[]> {
  const config = loadConfig({ ...env, DSS_MIGRATIONS_RUN: 'false' }, cwd);
  const logger = createLogger('warn');
  const ring = MasterKeyRing.load(config);
  const { pepper } = loadOrCreatePepper(config);
  const hasher = new PasswordHasher(pepper, config.bcryptCost);
  const context = await NestFactory.createApplicationContext(
    AdminCliModule.forRoot(config, { clock: systemClock, logger, ring, hasher }),
    { logger: false, abortOnError: false },
  );
  try {
    const accounts = context.get(AccountsService);
    return await pool(usernames, concurrency, (name) =>
      accounts.register(name, { type: 'operator', name: 'cli:bench' }),
    );
  } finally {
    await context.close();
  }
}
