/**
 * `npm run bench`: measures the DSS service against the machine's own limit, in one run.
 *
 *   (a) raw ECDSA P-256 signing in this process, one thread;
 *   (b) the ceiling: the same load driver against a minimal node:http server doing only the
 *       per-request protocol work (open, sign, seal), at each concurrency;
 *   (c) the service (spawned from dist/, on SQLite or on a fresh MySQL/MariaDB database), signing
 *       at each concurrency, every client with its own DSS-SC1 session and user;
 *   (f) signing at the background concurrency while logins arrive at a fixed rate;
 *   (g) many open sessions (handshake only) and the server's RSS;
 *   (d) handshakes per second;
 *   (e) logins per second (bcrypt cost 12).
 *
 * Prints a table, writes a JSON file and an SVG chart (bench/results/ by default). Exit status 0
 * when no request failed, 1 when some did, 2 when the run could not complete.
 */

import 'reflect-metadata';
import { Command, InvalidArgumentError, Option } from 'commander';
import bcrypt from 'bcrypt';
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { generateSigningKeyPair, SigningKey } from '@dss/keystore/signing';
import {
  clientHandshakeStart,
  parseHandshakeRequest,
  serverHandshake,
} from '@dss/secure-channel/protocol';
import {
  BenchError,
  errorCode,
  ErrorLog,
  finishHandshake,
  HttpTarget,
  type LoopOutcome,
  pool,
  Progress,
  runClosedLoop,
  runOpenLoop,
  SecureSession,
  sendHandshake,
  SignRequest,
  startHandshake,
} from './driver';
import { summariseProfile } from './profile';
import { compareWithRedis, renderComparison } from './redis-mode';
import { renderText, writeJson, writeSvg } from './report';
import {
  coresBetween,
  createBenchDatabase,
  freePort,
  machineCoresBetween,
  type MachineSample,
  type ProbeSample,
  ProcessProbe,
  REPO_ROOT,
  registerUsers,
  type RunningService,
  sampleMachine,
  serviceEnv,
  type ServerProcess,
  startCeiling,
  startService,
  usageBetween,
} from './service';
import {
  type BenchResult,
  type MemoryBreakdown,
  type PointResult,
  type ProfilePhase,
  type RawCostsResult,
  type RawSignResult,
  type SessionsResult,
  type SignMode,
  type TargetCheck,
} from './types';

// -------------------------------------------------------------------------------------- options

export interface BenchOptions {
  concurrency: number[];
  duration: number;
  warmup: number;
  documentSize: number;
  mode: SignMode;
  users: number;
  loginsPerSecond: number;
  backgroundConcurrency: number;
  handshakeConcurrency: number;
  loginConcurrency: number;
  sessions: number;
  jsonOut?: string;
  svgOut?: string;
  skipCeiling: boolean;
  quick: boolean;
  profile: boolean;
  profileInterval: number;
  progress: boolean;
  quiet: number;
  retries: number;
  quietWait: number;
  serviceEnv: string[];
  /** Measure the service a second time with sessions in this Redis, and compare (redis-mode.ts). */
  redis?: string;
}

const BCRYPT_COST = 12;
const LOOP_RESOLUTION_MS = 5;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer ≥ 1');
  return n;
}
function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}
function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}
function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}
function intList(value: string): number[] {
  const list = value.split(',').map((v) => positiveInt(v.trim()));
  return [...new Set(list)].sort((a, b) => a - b);
}

/** The smoke-run settings `--quick` gives every option not set on the command line. */
const QUICK: Partial<Record<keyof BenchOptions, unknown>> = {
  concurrency: [2],
  duration: 2,
  warmup: 0.5,
  users: 2,
  loginsPerSecond: 2,
  backgroundConcurrency: 2,
  handshakeConcurrency: 4,
  loginConcurrency: 2,
  sessions: 200,
  quiet: 0,
  retries: 0,
};

export function parseOptions(argv: string[]): BenchOptions {
  const program = new Command('bench')
    .description(
      'Benchmark the DSS service (spawned from dist/) against a minimal protocol server and raw ECDSA; ' +
        'SQLite by default, MySQL/MariaDB when DSS_DATABASE_URL is set (a fresh database, dropped after).',
    )
    .option(
      '-c, --concurrency <list>',
      'concurrent sessions per point, comma-separated',
      intList,
      [1, 16, 64],
    )
    .option('-d, --duration <seconds>', 'measured seconds per point', positiveNumber, 10)
    .option('--warmup <seconds>', 'unmeasured seconds before each point', nonNegativeNumber, 2)
    .option('--document-size <bytes>', 'bytes per document', positiveInt, 1024)
    .addOption(
      new Option('--mode <mode>', 'sign whole documents or SHA-256 digests')
        .choices(['document', 'digest'])
        .default('document'),
    )
    .option('--users <n>', 'users to register (default: the highest concurrency)', positiveInt)
    .option(
      '--logins-per-second <n>',
      'login rate of the background-login phase',
      positiveNumber,
      10,
    )
    .option(
      '--background-concurrency <n>',
      'signing clients during the background-login phase',
      positiveInt,
      64,
    )
    .option('--handshake-concurrency <n>', 'clients of the handshake phase', positiveInt, 64)
    .option('--login-concurrency <n>', 'clients of the login phase', positiveInt, 8)
    .option(
      '--sessions <n>',
      'sessions to open (and keep) in the open-sessions phase',
      positiveInt,
      10_000,
    )
    .option(
      '--json-out <file>',
      'JSON result file (default: bench/results/bench-<engine>-<time>.json)',
    )
    .option('--svg-out <file>', 'SVG chart (default: beside the JSON file)')
    .option('--skip-ceiling', 'do not measure the minimal-server ceiling', false)
    .option('--quick', 'smoke run: a few seconds at low concurrency (CI)', false)
    .option(
      '--profile',
      'CPU-profile the service during the signing, login and handshake phases',
      false,
    )
    .option('--profile-interval <microseconds>', 'CPU profile sampling interval', positiveInt, 1000)
    .option(
      '--quiet <cores>',
      'on a shared machine: wait until other processes use less than this many cores before a point, ' +
        'and measure a point again when they used more during it (0: off)',
      nonNegativeNumber,
      0.3,
    )
    .option(
      '--retries <n>',
      'measurements again of a point disturbed by other load',
      nonNegativeInt,
      2,
    )
    .option(
      '--quiet-wait <seconds>',
      'longest wait for a quiet machine before a point',
      nonNegativeNumber,
      60,
    )
    .option(
      '--service-env <KEY=VALUE...>',
      'extra environment for the service process only (e.g. NODE_OPTIONS=--max-semi-space-size=8 UV_THREADPOOL_SIZE=2)',
      [],
    )
    .option(
      '--redis <url>',
      'also run the service with DSS_REDIS_URL=<url> and print its cost per request next to the memory store',
    )
    .option('--no-progress', 'no progress lines on standard error')
    .showHelpAfterError();
  program.parse(argv, { from: 'user' });
  const raw = program.opts<Record<string, unknown>>();
  if (raw.quick === true) {
    for (const [key, value] of Object.entries(QUICK)) {
      const source = program.getOptionValueSource(key);
      if (source !== 'cli') raw[key] = value;
    }
  }
  const o = raw as unknown as BenchOptions;
  const top = Math.max(...o.concurrency);
  o.users ??= Math.max(top, raw.quick === true ? 1 : o.backgroundConcurrency);
  return o;
}

// -------------------------------------------------------------------------------------- helpers

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1): number =>
  Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : 0;

/** `KEY=VALUE` pairs of --service-env. */
function extraEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i < 1) throw new InvalidArgumentError(`--service-env: expected KEY=VALUE, got "${pair}"`);
    env[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return env;
}

/** A strong random password for the policy (12–128 characters, not common, not patterned). */
function newPassword(): string {
  return `Bn-${randomBytes(18).toString('base64url')}`;
}

function machineInfo(): BenchResult['machine'] {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryMB: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    os: `${type()} ${release()}`,
    loadAverageStart: loadavg().map((l) => round(l, 2)),
    loadAverageEnd: [],
  };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Calls `op` in a tight loop for `seconds`, three times; the median rate per second. */
function rateOf(op: () => void, seconds: number): number {
  for (let i = 0; i < 100; i++) op();
  const trials: number[] = [];
  for (let trial = 0; trial < 3; trial++) {
    let n = 0;
    const start = performance.now();
    const end = start + (seconds / 3) * 1000;
    let now = start;
    while (now < end) {
      for (let i = 0; i < 20; i++) op();
      n += 20;
      now = performance.now();
    }
    trials.push(n / ((now - start) / 1000));
  }
  return median(trials);
}

/** (a) Raw ECDSA P-256 signing rate in this process, one thread, through the service's SigningKey. */
function measureRawSign(o: BenchOptions): RawSignResult {
  const generated = generateSigningKeyPair();
  const key = SigningKey.fromPkcs8(generated.pkcs8Der);
  generated.pkcs8Der.fill(0);
  const document = randomBytes(o.documentSize);
  const digest = createHash('sha256').update(document).digest();
  const seconds = o.quick ? 0.5 : 2;
  const documentPerSecond = rateOf(() => key.signDocument(document, 'der'), seconds);
  const digestPerSecond = rateOf(() => key.signDigest(digest, 'der'), seconds);
  key.destroy();
  return {
    mode: o.mode,
    documentSize: o.documentSize,
    perSecond: Math.round(o.mode === 'document' ? documentPerSecond : digestPerSecond),
    documentPerSecond: Math.round(documentPerSecond),
    digestPerSecond: Math.round(digestPerSecond),
  };
}

/** In-process costs that bound the handshake and login phases: serverHandshake and bcrypt. */
async function measureRawCosts(o: BenchOptions): Promise<RawCostsResult> {
  const identity = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const request = parseHandshakeRequest(clientHandshakeStart().request);
  const handshakePerSecond = rateOf(
    () => serverHandshake(request, identity, { expiresIn: 1800 }),
    o.quick ? 0.3 : 1.5,
  );
  const hash = await bcrypt.hash('a benchmark password', BCRYPT_COST);
  const times: number[] = [];
  for (let i = 0; i < (o.quick ? 1 : 3); i++) {
    const t = performance.now();
    await bcrypt.compare('a benchmark password', hash);
    times.push(performance.now() - t);
  }
  return {
    handshakePerSecond: Math.round(handshakePerSecond),
    bcryptMs: round(median(times)),
    bcryptCost: BCRYPT_COST,
  };
}

interface Measured {
  outcome: LoopOutcome;
  serverA: ProbeSample;
  serverB: ProbeSample;
  dbA?: ProbeSample;
  dbB?: ProbeSample;
  machineA: MachineSample;
  machineB: MachineSample;
  driverCores: number;
  driverLoopDelayP99Ms: number;
}

interface Hooks {
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
}

/** Runs a closed loop and samples the server, the database server and this process around it. */
async function measure(
  server: ServerProcess,
  dbProbe: ProcessProbe | undefined,
  loop: Omit<Parameters<typeof runClosedLoop>[0], 'onWindowStart' | 'onWindowEnd'>,
  hooks: Hooks = {},
): Promise<Measured> {
  let serverA: ProbeSample | undefined;
  let serverB: ProbeSample | undefined;
  let dbA: ProbeSample | undefined;
  let dbB: ProbeSample | undefined;
  let machineA = sampleMachine();
  let machineB = machineA;
  let cpuA = process.cpuUsage();
  let cpuB = cpuA;
  let tA = 0;
  let tB = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const outcome = await runClosedLoop({
    ...loop,
    onWindowStart: () => {
      server.probe.resetPeak();
      serverA = server.probe.sample();
      dbA = dbProbe?.sample();
      machineA = sampleMachine();
      cpuA = process.cpuUsage();
      tA = performance.now();
      loopDelay.enable();
      hooks.onWindowStart?.();
    },
    onWindowEnd: () => {
      serverB = server.probe.sample();
      dbB = dbProbe?.sample();
      machineB = sampleMachine();
      cpuB = process.cpuUsage(cpuA);
      tB = performance.now();
      loopDelay.disable();
      hooks.onWindowEnd?.();
    },
  });
  const driverCores = tB > tA ? (cpuB.user + cpuB.system) / 1000 / (tB - tA) : 0;
  return {
    outcome,
    serverA: serverA!,
    serverB: serverB!,
    dbA,
    dbB,
    machineA,
    machineB,
    driverCores,
    // The histogram holds whole timer intervals: the delay is what exceeds the resolution.
    driverLoopDelayP99Ms:
      loopDelay.count > 0 ? Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS) : 0,
  };
}

function toPoint(concurrency: number, m: Measured): PointResult {
  const { outcome } = m;
  const server = usageBetween(m.serverA, m.serverB, outcome.operations);
  const databaseCpuCores = coresBetween(m.dbA, m.dbB);
  const machineCpuCores = machineCoresBetween(m.machineA, m.machineB);
  return {
    concurrency,
    windowSeconds: round(outcome.windowSeconds, 3),
    operations: outcome.operations,
    perSecond: round(outcome.operations / outcome.windowSeconds),
    errors: outcome.errors,
    latencyMs: outcome.histogram.summary(),
    server,
    driverCpuCores: round(m.driverCores, 3),
    databaseCpuCores,
    machineCpuCores,
    otherCpuCores: round(
      Math.max(0, machineCpuCores - server.cpuCores - m.driverCores - databaseCpuCores),
      3,
    ),
    driverLoopDelayP99Ms: round(m.driverLoopDelayP99Ms, 2),
    attempts: 1,
  };
}

/**
 * On a shared machine: before a point, waits until processes outside the run use less than
 * `threshold` cores; after it, measures again (up to `retries` times) when they used more.
 */
class QuietGate {
  constructor(
    private readonly threshold: number,
    private readonly retries: number,
    private readonly maxWaitSeconds: number,
    private readonly progress: Progress,
  ) {}

  /** CPU cores used by everything but `ours` over one second. */
  private async otherLoad(ours: ProcessProbe[]): Promise<number> {
    const m0 = sampleMachine();
    const p0 = ours.map((p) => p.sample());
    const self0 = process.cpuUsage();
    await sleep(1000);
    const m1 = sampleMachine();
    const p1 = ours.map((p) => p.sample());
    const self = process.cpuUsage(self0);
    const wall = (m1.at - m0.at) / 1000;
    const mine =
      p1.reduce((a, s, i) => a + (s.cpuSeconds - p0[i].cpuSeconds), 0) +
      (self.user + self.system) / 1e6;
    return (m1.busySeconds - m0.busySeconds - mine) / wall;
  }

  async waitForQuiet(label: string, ours: ProcessProbe[]): Promise<void> {
    if (this.threshold <= 0) return;
    const deadline = performance.now() + this.maxWaitSeconds * 1000;
    for (;;) {
      const other = await this.otherLoad(ours);
      if (!Number.isFinite(other) || other <= this.threshold) return;
      if (performance.now() >= deadline) {
        this.progress.note(
          `  ${label}: the machine is still busy (${other.toFixed(2)} cores); measuring anyway`,
        );
        return;
      }
      this.progress.update(
        `  ${label}: waiting for a quiet machine (other load ${other.toFixed(2)} cores)`,
      );
    }
  }

  /** Runs `attempt` (after a quiet wait), again while other load during it exceeded the threshold. */
  async run<T>(
    label: string,
    ours: () => ProcessProbe[],
    attempt: () => Promise<T>,
    otherOf: (t: T) => number,
  ): Promise<{ value: T; attempts: number }> {
    for (let i = 0; ; i++) {
      await this.waitForQuiet(label, ours());
      const value = await attempt();
      const other = otherOf(value);
      if (this.threshold <= 0 || other <= this.threshold || i >= this.retries)
        return { value, attempts: i + 1 };
      this.progress.note(
        `  ${label}: other processes used ${other.toFixed(2)} cores during the point; measuring again`,
      );
    }
  }
}

/** Starts and stops the profile hook in the service around a measured window. */
class Profiler {
  readonly phases: ProfilePhase[] = [];
  private pending: Promise<void>[] = [];

  constructor(
    private readonly server: ServerProcess | undefined,
    private readonly dir: string,
    private readonly stamp: string,
    private readonly intervalUs: number,
  ) {}

  hooks(phase: string): Hooks {
    const server = this.server;
    if (!server) return {};
    const file = join(this.dir, `${this.stamp}-${phase.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`);
    return {
      onWindowStart: () => {
        void server.profile({ type: 'profile-start', intervalUs: this.intervalUs });
      },
      onWindowEnd: () => {
        this.pending.push(
          server.profile({ type: 'profile-stop', file }).then((reply) => {
            if (reply.type !== 'profile-stopped') throw new Error(`profile: ${reply.message}`);
            // A phase measured again replaces its earlier profile.
            const summary = summariseProfile(file, phase, REPO_ROOT);
            const i = this.phases.findIndex((p) => p.phase === phase);
            if (i >= 0) this.phases[i] = summary;
            else this.phases.push(summary);
          }),
        );
      },
    };
  }

  async settle(): Promise<void> {
    await Promise.all(this.pending);
    this.pending = [];
  }
}

// ----------------------------------------------------------------------------------------- run

interface BenchUser {
  username: string;
  password: string;
  publicKey: KeyObject;
  session: SecureSession;
}

interface Worker {
  session: SecureSession;
  /** Public key that verifies this worker's signatures. */
  verifyKey: KeyObject;
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const progress = new Progress(o.progress);
  const errors = new ErrorLog();
  const gate = new QuietGate(o.quiet, o.retries, o.quietWait, progress);
  const dbServer = ProcessProbe.findDatabaseServer();
  /** Measures a point through the quiet gate; the point records how many attempts it took. */
  const gated = async (
    label: string,
    ours: () => ProcessProbe[],
    attempt: () => Promise<PointResult>,
  ): Promise<PointResult> => {
    const { value, attempts } = await gate.run(label, ours, attempt, (p) => p.otherCpuCores);
    return { ...value, attempts };
  };
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
  };
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    progress.note('interrupted: stopping the servers and dropping the run database');
    void cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const machine = machineInfo();
    const levels = o.concurrency;
    const maxWorkers = Math.max(...levels, o.backgroundConcurrency);
    const requests = Array.from({ length: maxWorkers }, () => {
      const document = randomBytes(o.documentSize);
      return new SignRequest(document, createHash('sha256').update(document).digest(), o.mode);
    });

    // (a) raw signing
    await gate.waitForQuiet('raw signing', []);
    progress.note('raw ECDSA P-256 signing, in-process, one thread…');
    const rawSign = measureRawSign(o);
    const rawCosts = await measureRawCosts(o);
    progress.done(
      `  raw sign: ${rawSign.documentPerSecond}/s document mode, ${rawSign.digestPerSecond}/s digest mode; ` +
        `serverHandshake ${rawCosts.handshakePerSecond}/s; bcrypt ${rawCosts.bcryptMs} ms`,
    );

    // (b) the ceiling
    const ceiling: PointResult[] = [];
    if (!o.skipCeiling) {
      progress.note('ceiling: minimal node:http server (open, sign, seal)…');
      const c = await startCeiling();
      cleanups.push(() => c.process.stop());
      const identity = createPublicKey(c.identityPublicKeyPem);
      const signer = createPublicKey(c.signingPublicKeyPem);
      const setup = new HttpTarget(c.host, c.port, 16);
      const sessions = await pool(Array.from({ length: Math.max(...levels) }), 16, () =>
        SecureSession.open(setup, identity),
      );
      setup.close();
      for (const level of levels) {
        const point = await gated(
          `ceiling c=${level}`,
          () => [c.process.probe],
          async () => {
            const http = new HttpTarget(c.host, c.port, level);
            const verified = new Array<boolean>(level).fill(false);
            const m = await measure(c.process, undefined, {
              label: `ceiling c=${level}`,
              workers: level,
              warmupSeconds: o.warmup,
              durationSeconds: o.duration,
              op: async (w) => {
                await requests[w].send(http, sessions[w], verified[w] ? undefined : signer);
                verified[w] = true;
              },
              progress,
              errors,
            });
            http.close();
            return toPoint(level, m);
          },
        );
        ceiling.push(point);
        progress.done(
          `  ceiling c=${level}: ${Math.round(point.perSecond)}/s, p99 ${point.latencyMs.p99} ms, errors ${point.errors}`,
        );
        await sleep(300);
      }
      await c.process.stop();
    }

    // (c) the service
    const db = await createBenchDatabase(process.env.DSS_DATABASE_URL?.trim() || undefined);
    cleanups.push(() => db.drop());
    const env = {
      ...serviceEnv({
        db,
        port: await freePort(),
        adminPort: await freePort(),
        bcryptCost: BCRYPT_COST,
      }),
      ...extraEnv(o.serviceEnv),
    };
    progress.note(`service: starting dist/apps/dss/src/main.js on ${db.version}…`);
    const service: RunningService = await startService(env, db.runDir, o.profile);
    cleanups.push(() => service.process.stop());
    const server = service.process;
    const dbProbe = db.engine === 'mysql' && db.local ? dbServer : undefined;
    const ours = (): ProcessProbe[] => [server.probe, ...(dbProbe ? [dbProbe] : [])];
    const serverKey = createPublicKey(service.publicKeyPem);
    const resultsDir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const profiler = new Profiler(
      o.profile ? server : undefined,
      resultsDir,
      stamp,
      o.profileInterval,
    );

    // Users: registered by the admin services, then each logs in with the temporary password,
    // changes it, logs in again and creates its key pair, all over DSS-SC1.
    const setupStart = performance.now();
    const names = Array.from(
      { length: o.users },
      (_, i) => `bench_user_${String(i + 1).padStart(5, '0')}`,
    );
    progress.note(`setup: registering ${o.users} users (bcrypt cost ${BCRYPT_COST})…`);
    const issued = await registerUsers(env, db.runDir, names, 8);
    const setupHttp = new HttpTarget(service.host, service.port, 16);
    let ready = 0;
    const users: BenchUser[] = await pool(issued, 8, async (u) => {
      const session = await SecureSession.open(setupHttp, serverKey);
      const first = await session.login(setupHttp, u.username, u.temporaryPassword);
      if (first.mustChangePassword !== true)
        throw new BenchError('setup', `${u.username}: expected a forced password change`);
      let password = newPassword();
      try {
        await session.expect(
          setupHttp,
          'POST',
          '/v1/auth/password',
          { currentPassword: u.temporaryPassword, newPassword: password },
          200,
        );
      } catch (err) {
        if (!(err instanceof BenchError) || err.code !== 'weak_password') throw err;
        password = newPassword();
        await session.expect(
          setupHttp,
          'POST',
          '/v1/auth/password',
          { currentPassword: u.temporaryPassword, newPassword: password },
          200,
        );
      }
      const second = await session.login(setupHttp, u.username, password);
      if (second.mustChangePassword !== false)
        throw new BenchError('setup', `${u.username}: still must change the password`);
      const key = await session.expect(setupHttp, 'POST', '/v1/keys', {}, 201);
      if (typeof key.publicKey !== 'string')
        throw new BenchError('setup', `${u.username}: CreateKeys gave no public key`);
      progress.update(`  setup: ${++ready}/${issued.length} users ready`);
      return {
        username: u.username,
        password,
        publicKey: createPublicKey(key.publicKey),
        session,
      };
    });
    progress.done(
      `  setup: ${users.length} users registered, activated, with keys (${round((performance.now() - setupStart) / 1000)} s)`,
    );

    // One worker per concurrent client: its own session, logged in (users are reused round-robin
    // when there are more clients than users).
    const workers: Worker[] = users.map((u) => ({ session: u.session, verifyKey: u.publicKey }));
    const ensureWorkers = async (n: number): Promise<void> => {
      const missing = Array.from(
        { length: Math.max(0, n - workers.length) },
        (_, k) => workers.length + k,
      );
      const added = await pool(missing, 8, async (i) => {
        const u = users[i % users.length];
        const session = await SecureSession.open(setupHttp, serverKey);
        await session.login(setupHttp, u.username, u.password);
        return { session, verifyKey: u.publicKey };
      });
      workers.push(...added);
    };

    const signingPoint = async (level: number, label: string, hooks: Hooks = {}) => {
      await ensureWorkers(level);
      const http = new HttpTarget(service.host, service.port, level);
      const verified = new Array<boolean>(level).fill(false);
      const m = await measure(
        server,
        dbProbe,
        {
          label,
          workers: level,
          warmupSeconds: o.warmup,
          durationSeconds: o.duration,
          op: async (w) => {
            const worker = workers[w];
            await requests[w].send(
              http,
              worker.session,
              verified[w] ? undefined : worker.verifyKey,
            );
            verified[w] = true;
          },
          progress,
          errors,
        },
        hooks,
      );
      http.close();
      return toPoint(level, m);
    };

    const profileLevel = levels.includes(o.backgroundConcurrency)
      ? o.backgroundConcurrency
      : Math.max(...levels);
    const servicePoints: PointResult[] = [];
    for (const level of levels) {
      const point = await gated(`service c=${level}`, ours, () =>
        signingPoint(
          level,
          `service c=${level}`,
          level === profileLevel ? profiler.hooks(`signing c=${level}`) : {},
        ),
      );
      servicePoints.push(point);
      progress.done(
        `  service c=${level}: ${Math.round(point.perSecond)}/s, p50 ${point.latencyMs.p50} ms, ` +
          `p99 ${point.latencyMs.p99} ms, errors ${point.errors}`,
      );
      await sleep(300);
    }

    // (f) signing with logins in the background
    const bgLevel = o.backgroundConcurrency;
    const baseline =
      servicePoints.find((p) => p.concurrency === bgLevel) ??
      (await gated(`baseline c=${bgLevel}`, ours, () =>
        signingPoint(bgLevel, `baseline c=${bgLevel}`),
      ));
    progress.note(`background logins: signing at c=${bgLevel} with ${o.loginsPerSecond} logins/s…`);
    const loginHttp = new HttpTarget(service.host, service.port, 256);
    let loginCursor = 0;
    const loginOnce = async (): Promise<number> => {
      const u = users[loginCursor++ % users.length];
      const session = await SecureSession.open(loginHttp, serverKey);
      const start = performance.now();
      await session.login(loginHttp, u.username, u.password);
      return performance.now() - start;
    };
    const bg = await gate.run(
      'background logins',
      ours,
      () =>
        Promise.all([
          signingPoint(
            bgLevel,
            `signing c=${bgLevel} + logins`,
            profiler.hooks('signing with background logins'),
          ),
          runOpenLoop({
            label: 'background login',
            ratePerSecond: o.loginsPerSecond,
            startDelaySeconds: o.warmup,
            durationSeconds: o.duration,
            maxOutstanding: 200,
            op: loginOnce,
            errors,
          }),
        ]),
      ([p]) => p.otherCpuCores,
    );
    const [bgSigningPoint, bgLogins] = bg.value;
    const bgSigning: PointResult = { ...bgSigningPoint, attempts: bg.attempts };
    const backgroundLogins: BenchResult['backgroundLogins'] = {
      concurrency: bgLevel,
      loginsPerSecondTarget: o.loginsPerSecond,
      loginsPerSecond: round(bgLogins.completedInWindow / bgLogins.windowSeconds, 2),
      loginErrors: bgLogins.errors,
      loginsSkipped: bgLogins.skipped,
      loginLatencyMs: bgLogins.histogram.summary(),
      signing: bgSigning,
      baselineP99Ms: baseline.latencyMs.p99,
      p99Ratio: round(bgSigning.latencyMs.p99 / (baseline.latencyMs.p99 || 1), 2),
    };
    progress.done(
      `  with logins: signing ${Math.round(bgSigning.perSecond)}/s, p99 ${bgSigning.latencyMs.p99} ms ` +
        `(${backgroundLogins.p99Ratio}x), logins ${backgroundLogins.loginsPerSecond}/s`,
    );
    await sleep(300);

    // (g) open sessions
    await gate.waitForQuiet('open sessions', ours());
    progress.note(`open sessions: ${o.sessions} handshakes, kept open…`);
    const memoryNow = async (): Promise<MemoryBreakdown | undefined> =>
      o.profile ? (await server.profile({ type: 'memory' })).memory : undefined;
    const memoryBefore = await memoryNow();
    const sessions = await openSessions(o.sessions, service, serverKey, server, progress, errors);
    const memoryWith = await memoryNow();
    const memory =
      memoryBefore && memoryWith
        ? {
            beforeSessions: memoryBefore,
            withSessions: memoryWith,
            liveBytesPerSession: Math.round(
              ((memoryWith.heapUsedMB +
                memoryWith.externalMB -
                memoryBefore.heapUsedMB -
                memoryBefore.externalMB) *
                2 ** 20) /
                Math.max(1, sessions.opened),
            ),
          }
        : undefined;
    progress.done(
      `  sessions: ${sessions.opened} open, server RSS ${sessions.rssMB} MiB (${sessions.rssBeforeMB} before)`,
    );

    // (d) handshakes
    const handshakes = await gated(`handshakes c=${o.handshakeConcurrency}`, ours, async () => {
      const http = new HttpTarget(service.host, service.port, o.handshakeConcurrency);
      const answered: [ReturnType<typeof startHandshake>, unknown][] = [];
      const hs = await measure(
        server,
        dbProbe,
        {
          label: `handshakes c=${o.handshakeConcurrency}`,
          workers: o.handshakeConcurrency,
          warmupSeconds: o.warmup,
          durationSeconds: o.duration,
          op: async () => {
            const pending = startHandshake();
            const start = performance.now();
            const json = await sendHandshake(http, pending);
            const ms = performance.now() - start;
            answered.push([pending, json]);
            return ms;
          },
          progress,
          errors,
        },
        profiler.hooks('handshakes'),
      );
      http.close();
      // Every answer is verified against the pinned key, after the window (a lighter driver).
      let bad = 0;
      for (const [pending, json] of answered) {
        try {
          finishHandshake(pending, json, serverKey);
        } catch (err) {
          bad++;
          errors.add('handshake verification', err);
        }
      }
      const point = toPoint(o.handshakeConcurrency, hs);
      point.errors += bad;
      return point;
    });
    progress.done(
      `  handshakes: ${Math.round(handshakes.perSecond)}/s, p99 ${handshakes.latencyMs.p99} ms, errors ${handshakes.errors}`,
    );
    await sleep(300);

    // (e) logins
    let cursor = 0;
    const logins = await gated(`logins c=${o.loginConcurrency}`, ours, async () => {
      const http = new HttpTarget(service.host, service.port, o.loginConcurrency);
      const lg = await measure(
        server,
        dbProbe,
        {
          label: `logins c=${o.loginConcurrency}`,
          workers: o.loginConcurrency,
          warmupSeconds: o.warmup,
          durationSeconds: o.duration,
          op: async () => {
            const u = users[cursor++ % users.length];
            const session = await SecureSession.open(http, serverKey);
            const start = performance.now();
            await session.login(http, u.username, u.password);
            return performance.now() - start;
          },
          progress,
          errors,
        },
        profiler.hooks('logins'),
      );
      http.close();
      return toPoint(o.loginConcurrency, lg);
    });
    loginHttp.close();
    setupHttp.close();
    progress.done(
      `  logins: ${logins.perSecond}/s, p50 ${logins.latencyMs.p50} ms, errors ${logins.errors}`,
    );

    await profiler.settle();
    const final = server.probe.sample();
    if (!server.running) throw new Error(`the service exited during the run:\n${server.log}`);
    await service.process.stop();
    await cleanup();

    const finishedAt = new Date();
    machine.loadAverageEnd = loadavg().map((l) => round(l, 2));
    const result: BenchResult = {
      version: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      elapsedSeconds: round((performance.now() - t0) / 1000),
      options: {
        concurrency: levels,
        durationSeconds: o.duration,
        warmupSeconds: o.warmup,
        documentSize: o.documentSize,
        mode: o.mode,
        users: o.users,
        loginsPerSecond: o.loginsPerSecond,
        backgroundConcurrency: o.backgroundConcurrency,
        handshakeConcurrency: o.handshakeConcurrency,
        loginConcurrency: o.loginConcurrency,
        sessions: o.sessions,
        bcryptCost: BCRYPT_COST,
        skipCeiling: o.skipCeiling,
        quick: o.quick,
        profile: o.profile,
        quietCores: o.quiet,
        retries: o.retries,
        serviceEnv: o.serviceEnv,
      },
      machine,
      database: { engine: db.engine, version: db.version },
      rawSign,
      rawCosts,
      ceiling,
      service: servicePoints,
      handshakes,
      logins,
      backgroundLogins,
      sessions,
      server: {
        cpuSeconds: round(final.cpuSeconds, 2),
        peakRssMB: round(Math.max(server.probe.runPeakMB, final.peakRssMB), 1),
      },
      ratios: ratiosOf(servicePoints, ceiling, rawSign),
      targets: [],
      errors: { total: errors.total, samples: errors.samples },
      profile: profiler.phases,
      ...(memory ? { memory } : {}),
      files: { json: '', svg: '' },
    };
    result.targets = targetsOf(result);
    const json = resolve(o.jsonOut ?? join(resultsDir, `bench-${db.engine}-${stamp}.json`));
    const svg = resolve(o.svgOut ?? json.replace(/\.json$/, '') + '.svg');
    result.files = { json, svg };
    writeSvg(svg, result);
    writeJson(json, result);
    return result;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** (g) Opens `count` sessions (handshake only), keeps them, probes a sample, reads the RSS. */
async function openSessions(
  count: number,
  service: RunningService,
  serverKey: KeyObject,
  server: ServerProcess,
  progress: Progress,
  errors: ErrorLog,
): Promise<SessionsResult> {
  await sleep(500);
  const before = server.probe.sample();
  const http = new HttpTarget(service.host, service.port, 64);
  const pendings = Array.from({ length: count }, startHandshake);
  let failed = 0;
  let done = 0;
  const start = performance.now();
  const answers = await pool(pendings, 64, async (p) => {
    try {
      const json = await sendHandshake(http, p);
      if (++done % 500 === 0) progress.update(`  sessions: ${done}/${count}`);
      return json;
    } catch (err) {
      failed++;
      errors.add('open sessions', err);
      return undefined;
    }
  });
  const openSeconds = (performance.now() - start) / 1000;
  const open: SecureSession[] = [];
  answers.forEach((json, i) => {
    if (json === undefined) return;
    try {
      open.push(finishHandshake(pendings[i], json, serverKey));
    } catch (err) {
      failed++;
      errors.add('open sessions', err);
    }
  });
  // Probe a sample: each must still be held by the server (a sealed 401 not_authenticated,
  // answered under the session's keys; an unknown session would get a plain 401).
  const step = Math.max(1, Math.floor(open.length / 200));
  const sample = open.filter((_, i) => i % step === 0);
  let verified = 0;
  const empty = Buffer.from('{}');
  await pool(sample, 16, async (s) => {
    try {
      const { status, value } = await s.call(http, 'POST', '/v1/keys/public', empty);
      if (status !== 401 || errorCode(value) !== 'not_authenticated')
        throw new BenchError(
          'session_probe',
          `unexpected HTTP ${status} ${errorCode(value) ?? ''}`,
        );
      verified++;
    } catch (err) {
      failed++;
      errors.add('open sessions probe', err);
    }
  });
  http.close();
  await sleep(1000);
  const after = server.probe.sample();
  const opened = open.length;
  return {
    requested: count,
    opened,
    verified,
    openSeconds: round(openSeconds, 2),
    perSecond: round(opened / openSeconds),
    errors: failed,
    rssBeforeMB: round(before.rssMB),
    rssMB: round(after.rssMB),
    bytesPerSession: Math.round(opened > 0 ? ((after.rssMB - before.rssMB) * 2 ** 20) / opened : 0),
  };
}

function ratiosOf(
  service: PointResult[],
  ceiling: PointResult[],
  raw: RawSignResult,
): BenchResult['ratios'] {
  const best = (points: PointResult[]): number => Math.max(0, ...points.map((p) => p.perSecond));
  const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);
  const byLevel = new Map(ceiling.map((p) => [p.concurrency, p.perSecond]));
  return {
    serviceToCeiling: ratio(best(service), best(ceiling)),
    serviceToRawSign: ratio(best(service), raw.perSecond),
    ceilingToRawSign: ratio(best(ceiling), raw.perSecond),
    perConcurrency: service.map((p) => ({
      concurrency: p.concurrency,
      serviceToCeiling: ratio(p.perSecond, byLevel.get(p.concurrency) ?? 0),
    })),
  };
}

/** The targets, checked against this run (informative: a test never asserts them). */
function targetsOf(r: BenchResult): TargetCheck[] {
  const at64 =
    r.service.find((p) => p.concurrency === 64) ??
    r.service.reduce((a, b) => (b.concurrency > a.concurrency ? b : a));
  const b = r.backgroundLogins;
  return [
    {
      id: 'throughput-vs-ceiling',
      description: r.ceiling.length
        ? 'best service signatures/s as a share of the best minimal-server ceiling'
        : 'service share of the ceiling (ceiling skipped: not measured)',
      target: 50,
      measured: round(r.ratios.serviceToCeiling * 100),
      unit: '%',
      applicable: r.ceiling.length > 0,
      met: r.ceiling.length > 0 && r.ratios.serviceToCeiling >= 0.5,
    },
    {
      id: 'p99-at-64',
      description: `signing p99 latency at ${at64.concurrency} concurrent sessions`,
      target: 50,
      measured: at64.latencyMs.p99,
      unit: 'ms',
      applicable: at64.concurrency >= 64,
      met: at64.concurrency >= 64 && at64.latencyMs.p99 <= 50,
    },
    {
      id: 'handshakes',
      description: `handshakes per second (${r.handshakes.concurrency} clients)`,
      target: 2000,
      measured: r.handshakes.perSecond,
      unit: '/s',
      applicable: true,
      met: r.handshakes.perSecond >= 2000,
    },
    {
      id: 'background-login-rate',
      description: `background logins served (bcrypt cost ${r.options.bcryptCost})`,
      target: b.loginsPerSecondTarget,
      measured: b.loginsPerSecond,
      unit: '/s',
      applicable: b.loginsPerSecondTarget >= 10,
      met: b.loginsPerSecond >= 0.95 * b.loginsPerSecondTarget && b.loginsPerSecondTarget >= 10,
    },
    {
      id: 'background-login-p99',
      description: `signing p99 at ${b.concurrency} sessions with logins in the background, relative to without`,
      target: 2,
      measured: b.p99Ratio,
      unit: 'x',
      applicable: b.concurrency >= 64 && b.loginsPerSecondTarget >= 10,
      met: b.p99Ratio <= 2 && b.concurrency >= 64 && b.loginsPerSecondTarget >= 10,
    },
    {
      id: 'sessions-rss',
      description: `server RSS with ${r.sessions.opened} open sessions`,
      target: 300,
      measured: r.sessions.rssMB,
      unit: 'MiB',
      applicable: r.sessions.opened >= 10_000,
      met: r.sessions.rssMB <= 300 && r.sessions.opened >= 10_000,
    },
    {
      id: 'errors',
      description: 'failed requests over the whole run',
      target: 0,
      measured: r.errors.total,
      unit: '',
      applicable: true,
      met: r.errors.total === 0,
    },
  ];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  try {
    if (options.redis !== undefined) {
      const both = await compareWithRedis(options, options.redis, runBench);
      process.stdout.write(`\n${renderText(both.memory)}\n\n${renderText(both.redis)}\n`);
      process.stdout.write(`\n${renderComparison(both)}\n`);
      process.exitCode = both.memory.errors.total + both.redis.errors.total === 0 ? 0 : 1;
      return;
    }
    const result = await runBench(options);
    process.stdout.write(`\n${renderText(result)}\n`);
    process.exitCode = result.errors.total === 0 ? 0 : 1;
  } catch (err) {
    process.stderr.write(
      `\nbench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 2;
  }
}

if (require.main === module) void main().finally(() => process.exit());
