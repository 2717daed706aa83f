/**
 * Medians over several benchmark runs: `node dist/bench/summarize.js a.json b.json c.json`
 * prints a Markdown table of each figure's median (and its range), per concurrency level. One run
 * on a shared machine is one sample; the median of a few is the figure worth quoting.
 */

import { readFileSync } from 'node:fs';
import { median } from './stats';
import { type BenchResult, type PointResult, type SigningVariant } from './types';

function cell(values: number[], digits: number): string {
  const f = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
  if (values.length < 2) return f(values[0] ?? 0);
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}

/** One column of the per-concurrency table: a figure of the service or ceiling points. */
type PointColumn = [of: 'service' | 'ceiling', value: (p: PointResult) => number, digits: number];

const POINT_COLUMNS: PointColumn[] = [
  ['service', (p) => p.latencyMs.p50, 1],
  ['service', (p) => p.latencyMs.p95, 1],
  ['service', (p) => p.latencyMs.p99, 1],
  ['service', (p) => p.latencyMs.max, 0],
  ['service', (p) => p.server.cpuMsPerOp, 3],
  ['service', (p) => p.otherCpuCores, 2],
];

const perSecond = (p: PointResult): number => p.perSecond;

/** Per concurrency level: ceiling and service throughput, their ratio, latency and costs. */
function pointTable(results: BenchResult[]): string[] {
  const out = [
    '| clients | ceiling sig/s | service sig/s | service/ceiling | p50 ms | p95 ms | p99 ms | max ms | server CPU ms/sig | other load (cores) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const level of results[0].options.concurrency) {
    const at = (of: 'service' | 'ceiling'): PointResult[] =>
      results.map((r) => r[of].find((p) => p.concurrency === level)).filter((p) => p !== undefined);
    const percent = results.map(
      (r) =>
        (r.ratios.perConcurrency.find((p) => p.concurrency === level)?.serviceToCeiling ?? 0) * 100,
    );
    const rate = (of: 'service' | 'ceiling'): string => cell(at(of).map(perSecond), 0);
    const cells = [
      rate('ceiling'),
      rate('service'),
      `${cell(percent, 1)}%`,
      ...POINT_COLUMNS.map(([of, value, digits]) => cell(at(of).map(value), digits)),
    ];
    out.push(`| ${level} | ${cells.join(' | ')} |`);
  }
  return out;
}

/**
 * One row of the table of single figures: its name, its value in a run (undefined where the run
 * did not measure it), digits and unit.
 */
type Figure = [
  name: string,
  value: (r: BenchResult) => number | undefined,
  digits: number,
  unit?: string,
];

function variantOf(r: BenchResult, name: SigningVariant['name']): SigningVariant | undefined {
  return r.variants?.find((v) => v.name === name);
}

const FIGURES: Figure[] = [
  ['best service / best ceiling', (r) => r.ratios.serviceToCeiling * 100, 1, '%'],
  ['raw ECDSA sign, one thread (document)', (r) => r.rawSign.documentPerSecond, 0, '/s'],
  ['raw ECDSA sign, one thread (digest)', (r) => r.rawSign.digestPerSecond, 0, '/s'],
  ['raw serverHandshake, one thread', (r) => r.rawCosts.handshakePerSecond, 0, '/s'],
  ['bcrypt verify (cost 12)', (r) => r.rawCosts.bcryptMs, 0, ' ms'],
  ['handshakes', (r) => r.handshakes.perSecond, 0, '/s'],
  ['handshake p99', (r) => r.handshakes.latencyMs.p99, 1, ' ms'],
  [
    'handshake ceiling (node:http + X25519, ECDSA, HKDF)',
    (r) => r.handshakeCeiling?.perSecond,
    0,
    '/s',
  ],
  [
    'handshakes / handshake ceiling',
    (r) => (r.handshakeCeiling ? (r.ratios.handshakesToCeiling ?? 0) * 100 : undefined),
    1,
    '%',
  ],
  ...(['digest', 'document', 'cms', 'one-user'] as const).flatMap((name): Figure[] => [
    [`variant ${name}: signatures`, (r) => variantOf(r, name)?.point.perSecond, 0, '/s'],
    [
      `variant ${name}: of the main mode`,
      (r) => {
        const v = variantOf(r, name);
        return v === undefined ? undefined : v.relativeToService * 100;
      },
      1,
      '%',
    ],
  ]),
  ['logins', (r) => r.logins.perSecond, 1, '/s'],
  ['login p50', (r) => r.logins.latencyMs.p50, 0, ' ms'],
  [
    'background logins done (of the rate asked)',
    (r) => r.backgroundLogins.loginsPerSecond,
    1,
    '/s',
  ],
  ['signing p99 with background logins', (r) => r.backgroundLogins.signing.latencyMs.p99, 1, ' ms'],
  ['signing p99 without (same run)', (r) => r.backgroundLogins.baselineP99Ms, 1, ' ms'],
  ['p99 ratio', (r) => r.backgroundLogins.p99Ratio, 2, '×'],
  [
    'signing throughput with background logins',
    (r) => r.backgroundLogins.signing.perSecond,
    0,
    '/s',
  ],
  ['sessions opened', (r) => r.sessions.opened, 0],
  ['server RSS with them', (r) => r.sessions.rssMB, 0, ' MiB'],
  ['server RSS before them', (r) => r.sessions.rssBeforeMB, 0, ' MiB'],
  ['server peak RSS over the run', (r) => r.server.peakRssMB, 0, ' MiB'],
  ['errors', (r) => r.errors.total, 0],
  ['load average at start (1 min)', (r) => r.machine.loadAverageStart[0], 2],
];

/**
 * The single figures of each run: ratios, reference costs, phases, memory, errors. A figure no
 * run measured (the handshake ceiling in older results, or skipped) has no row.
 */
function figureTable(results: BenchResult[]): string[] {
  const rows: string[] = [];
  for (const [name, value, digits, unit = ''] of FIGURES) {
    const values = results.map(value).filter((v) => v !== undefined);
    if (values.length > 0) rows.push(`| ${name} | ${cell(values, digits)}${unit} |`);
  }
  return ['| figure | median (min–max) |', '|---|---:|', ...rows];
}

/** The figures of one signing point that a comparison follows. */
const POINT_FIGURES: [name: string, value: (p: PointResult) => number, digits: number][] = [
  ['service sig/s', perSecond, 0],
  ['p99 ms', (p) => p.latencyMs.p99, 1],
  ['server CPU ms/sig', (p) => p.server.cpuMsPerOp, 3],
];

/**
 * `npm run bench -- --compare old.json` (or `summarize.js --compare old.json new.json`): each
 * figure of `now` beside the same figure of `old`, with the change in percent. One run against
 * one run: on a noisy machine, compare medians of several (summarize) before believing a change.
 */
export function compare(old: BenchResult, now: BenchResult): string {
  const f = (n: number, digits: number): string =>
    n.toLocaleString('en-US', { maximumFractionDigits: digits });
  const delta = (a: number, b: number): string =>
    a === 0 ? '–' : `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%`;
  const rows: string[] = [];
  const row = (name: string, a: number | undefined, b: number | undefined, digits: number) => {
    if (a !== undefined && b !== undefined) {
      rows.push(`| ${name} | ${f(a, digits)} | ${f(b, digits)} | ${delta(a, b)} |`);
    }
  };
  for (const level of now.options.concurrency) {
    const before = old.service.find((p) => p.concurrency === level);
    const after = now.service.find((p) => p.concurrency === level);
    if (before === undefined || after === undefined) continue;
    for (const [name, value, digits] of POINT_FIGURES) {
      row(`c=${level} ${name}`, value(before), value(after), digits);
    }
  }
  for (const [name, value, digits] of FIGURES) row(name, value(old), value(now), digits);
  return [
    `compared with ${old.database.version}, ${old.options.mode} mode, run at ${old.startedAt}`,
    '',
    '| figure | before | now | change |',
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** Reads a result file written by an earlier run. */
export function readResult(file: string): BenchResult {
  return JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
}

export function summarize(results: BenchResult[]): string {
  const first = results[0];
  return [
    `${results.length} run(s), ${first.database.version}, ${first.options.mode} mode, ` +
      `${first.options.documentSize}-byte documents, ${first.options.durationSeconds} s per point; ` +
      'median (min–max)',
    '',
    ...pointTable(results),
    '',
    ...figureTable(results),
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--compare' && args.length === 3) {
    process.stdout.write(`${compare(readResult(args[1]), readResult(args[2]))}\n`);
  } else if (args.length === 0 || args[0].startsWith('-')) {
    process.stderr.write(
      'usage: node dist/bench/summarize.js result.json [result.json …]\n' +
        '       node dist/bench/summarize.js --compare old.json new.json\n',
    );
    process.exit(2);
  } else {
    process.stdout.write(`${summarize(args.map(readResult))}\n`);
  }
}
