/**
 * Medians over several benchmark runs: `node dist/bench/summarize.js a.json b.json c.json`
 * prints a Markdown table of each figure's median (and its range), per concurrency level. One run
 * on a shared machine is one sample; the median of a few is the figure worth quoting.
 */

import { readFileSync } from 'node:fs';
import { type BenchResult, type PointResult } from './types';

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return 0;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function cell(values: number[], digits: number): string {
  const f = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
  if (values.length < 2) return f(values[0] ?? 0);
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}

export function summarize(results: BenchResult[]): string {
  const out: string[] = [];
  const first = results[0];
  out.push(
    `${results.length} run(s), ${first.database.version}, ${first.options.mode} mode, ` +
      `${first.options.documentSize}-byte documents, ${first.options.durationSeconds} s per point; ` +
      'median (min–max)',
  );
  out.push('');
  out.push(
    '| clients | ceiling sig/s | service sig/s | service/ceiling | p50 ms | p95 ms | p99 ms | max ms | server CPU ms/sig | other load (cores) |',
  );
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const level of first.options.concurrency) {
    const at = (list: (r: BenchResult) => PointResult[]) =>
      results
        .map((r) => list(r).find((p) => p.concurrency === level))
        .filter((p) => p !== undefined);
    const s = at((r) => r.service);
    const c = at((r) => r.ceiling);
    const ratio = results.map(
      (r) => r.ratios.perConcurrency.find((p) => p.concurrency === level)?.serviceToCeiling ?? 0,
    );
    out.push(
      `| ${level} | ${cell(
        c.map((p) => p.perSecond),
        0,
      )} | ${cell(
        s.map((p) => p.perSecond),
        0,
      )} | ${cell(
        ratio.map((x) => x * 100),
        1,
      )}% | ${cell(
        s.map((p) => p.latencyMs.p50),
        1,
      )} | ${cell(
        s.map((p) => p.latencyMs.p95),
        1,
      )} | ${cell(
        s.map((p) => p.latencyMs.p99),
        1,
      )} | ${cell(
        s.map((p) => p.latencyMs.max),
        0,
      )} | ${cell(
        s.map((p) => p.server.cpuMsPerOp),
        3,
      )} | ${cell(
        s.map((p) => p.otherCpuCores),
        2,
      )} |`,
    );
  }
  out.push('');
  const row = (name: string, values: number[], digits: number, unit = ''): string =>
    `| ${name} | ${cell(values, digits)}${unit} |`;
  out.push('| figure | median (min–max) |');
  out.push('|---|---:|');
  out.push(
    row(
      'best service / best ceiling',
      results.map((r) => r.ratios.serviceToCeiling * 100),
      1,
      '%',
    ),
  );
  out.push(
    row(
      'raw ECDSA sign, one thread (document)',
      results.map((r) => r.rawSign.documentPerSecond),
      0,
      '/s',
    ),
  );
  out.push(
    row(
      'raw serverHandshake, one thread',
      results.map((r) => r.rawCosts.handshakePerSecond),
      0,
      '/s',
    ),
  );
  out.push(
    row(
      'bcrypt verify (cost 12)',
      results.map((r) => r.rawCosts.bcryptMs),
      0,
      ' ms',
    ),
  );
  out.push(
    row(
      'handshakes',
      results.map((r) => r.handshakes.perSecond),
      0,
      '/s',
    ),
  );
  out.push(
    row(
      'handshake p99',
      results.map((r) => r.handshakes.latencyMs.p99),
      1,
      ' ms',
    ),
  );
  out.push(
    row(
      'logins',
      results.map((r) => r.logins.perSecond),
      1,
      '/s',
    ),
  );
  out.push(
    row(
      'login p50',
      results.map((r) => r.logins.latencyMs.p50),
      0,
      ' ms',
    ),
  );
  out.push(
    row(
      'background logins done (of the rate asked)',
      results.map((r) => r.backgroundLogins.loginsPerSecond),
      1,
      '/s',
    ),
  );
  out.push(
    row(
      'signing p99 with background logins',
      results.map((r) => r.backgroundLogins.signing.latencyMs.p99),
      1,
      ' ms',
    ),
  );
  out.push(
    row(
      'signing p99 without (same run)',
      results.map((r) => r.backgroundLogins.baselineP99Ms),
      1,
      ' ms',
    ),
  );
  out.push(
    row(
      'p99 ratio',
      results.map((r) => r.backgroundLogins.p99Ratio),
      2,
      '×',
    ),
  );
  out.push(
    row(
      'signing throughput with background logins',
      results.map((r) => r.backgroundLogins.signing.perSecond),
      0,
      '/s',
    ),
  );
  out.push(
    row(
      'sessions opened',
      results.map((r) => r.sessions.opened),
      0,
    ),
  );
  out.push(
    row(
      'server RSS with them',
      results.map((r) => r.sessions.rssMB),
      0,
      ' MiB',
    ),
  );
  out.push(
    row(
      'server RSS before them',
      results.map((r) => r.sessions.rssBeforeMB),
      0,
      ' MiB',
    ),
  );
  out.push(
    row(
      'server peak RSS over the run',
      results.map((r) => r.server.peakRssMB),
      0,
      ' MiB',
    ),
  );
  out.push(
    row(
      'errors',
      results.map((r) => r.errors.total),
      0,
    ),
  );
  out.push(
    row(
      'load average at start (1 min)',
      results.map((r) => r.machine.loadAverageStart[0]),
      2,
    ),
  );
  return out.join('\n');
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: node dist/bench/summarize.js result.json [result.json …]\n');
    process.exit(2);
  }
  const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as BenchResult);
  process.stdout.write(`${summarize(results)}\n`);
}
