/** The command line of `npm run bench`: its options, their defaults and the `--quick` settings. */

import { Command, InvalidArgumentError, Option } from 'commander';
import { type LoadSettings } from './types';

export interface BenchOptions extends LoadSettings {
  concurrency: number[];
  duration: number;
  warmup: number;
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
  /** A result file of an earlier run: print each figure's change against it (summarize.ts). */
  compare?: string;
}

export const BCRYPT_COST = 12;

/** A commander parser for a number that `valid` accepts; `expected` names it in the error. */
function numberOption(valid: (n: number) => boolean, expected: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!valid(n)) throw new InvalidArgumentError(`expected ${expected}`);
    return n;
  };
}
const positiveInt = numberOption((n) => Number.isSafeInteger(n) && n >= 1, 'an integer ≥ 1');
const positiveNumber = numberOption((n) => Number.isFinite(n) && n > 0, 'a number > 0');
const nonNegativeNumber = numberOption((n) => Number.isFinite(n) && n >= 0, 'a number ≥ 0');
const nonNegativeInt = numberOption((n) => Number.isSafeInteger(n) && n >= 0, 'an integer ≥ 0');
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
    .option(
      '--skip-ceiling',
      'do not measure the minimal-server ceilings (signing and handshake)',
      false,
    )
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
    .option('--compare <file>', 'print the change of each figure against an earlier JSON result')
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

/** `KEY=VALUE` pairs of --service-env. */
export function extraEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i < 1) throw new InvalidArgumentError(`--service-env: expected KEY=VALUE, got "${pair}"`);
    env[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return env;
}
