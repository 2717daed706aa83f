/**
 * Results: the terminal table, the JSON file and an SVG chart of throughput and latency against
 * concurrency (written by hand: no chart library).
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type BenchResult, type PointResult } from './types';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, d = 1): string => n.toFixed(d);
const pad = (s: string, n: number): string => s.padStart(n);

function table(rows: string[][], header: string[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : pad(c, widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** What was measured, on what machine, and the in-process reference costs. */
function introLines(r: BenchResult): string[] {
  const o = r.options;
  const out: string[] = [];
  out.push(
    `DSS benchmark: ${r.database.version}, ${o.mode} mode, ${int(o.documentSize)}-byte documents, ` +
      `${o.durationSeconds} s per point after ${o.warmupSeconds} s warm-up`,
  );
  out.push(
    `machine: ${r.machine.cores} cores (${r.machine.cpuModel}), ${int(r.machine.memoryMB)} MiB, ` +
      `Node ${r.machine.node}; load average ${r.machine.loadAverageStart.map((l) => l.toFixed(2)).join(' ')} at start, ` +
      `${r.machine.loadAverageEnd.map((l) => l.toFixed(2)).join(' ')} at end`,
  );
  out.push(
    'The load driver, the server and the database share these cores; the driver CPU column shows its share.',
  );
  // Older result files have no serviceEnv.
  if (o.serviceEnv?.length) out.push(`service environment: ${o.serviceEnv.join(' ')}`);
  out.push('');
  out.push(
    `raw ECDSA P-256 signing, in-process, one thread: ${int(r.rawSign.documentPerSecond)}/s ` +
      `document mode (OpenSSL), ${int(r.rawSign.digestPerSecond)}/s digest mode ` +
      (r.rawSign.digestNative === false
        ? '(noble-curves: the native module is not built)'
        : r.rawSign.digestFallbackPerSecond === undefined
          ? '(noble-curves)'
          : `(OpenSSL; ${int(r.rawSign.digestFallbackPerSecond)}/s in the JavaScript fallback)`),
  );
  out.push('');
  out.push(
    `serverHandshake in-process, one thread: ${int(r.rawCosts.handshakePerSecond)}/s; one bcrypt ` +
      `verification at cost ${r.rawCosts.bcryptCost}: ${fixed(r.rawCosts.bcryptMs, 0)} ms`,
  );
  return out;
}

/** The signing table: ceiling and service side by side at each concurrency. */
function signingTable(r: BenchResult): string[] {
  const ceiling = new Map(r.ceiling.map((p) => [p.concurrency, p]));
  const rows = r.service.map((s) => {
    const c = ceiling.get(s.concurrency);
    return [
      String(s.concurrency),
      c ? int(c.perSecond) : '-',
      c ? fixed(c.latencyMs.p50, 2) : '-',
      c ? fixed(c.latencyMs.p99, 2) : '-',
      c ? fixed(c.server.cpuMsPerOp, 3) : '-',
      int(s.perSecond),
      fixed(s.latencyMs.p50, 2),
      fixed(s.latencyMs.p95, 2),
      fixed(s.latencyMs.p99, 2),
      fixed(s.latencyMs.max, 1),
      c ? `${fixed((s.perSecond / c.perSecond) * 100, 0)}%` : '-',
      `${fixed(s.server.cpuCores, 2)}/${fixed(s.server.mainThreadCores, 2)}`,
      fixed(s.server.cpuMsPerOp, 3),
      fixed(s.driverCpuCores, 2),
      fixed(s.databaseCpuCores, 2),
      fixed(s.otherCpuCores, 2),
      String(s.errors + (c?.errors ?? 0)),
    ];
  });
  return [
    'signing: closed loop, each client with its own DSS-SC1 session. Latencies in ms; "c." = ceiling; ' +
      'ms/op = server CPU ms per signature; cpu, driver, db, other = cores busy (other: processes outside the run)',
    table(rows, [
      'clients',
      'ceiling/s',
      'c.p50',
      'c.p99',
      'c.ms/op',
      'service/s',
      'p50',
      'p95',
      'p99',
      'max',
      'ratio',
      'cpu all/main',
      'cpu ms/op',
      'driver',
      'db cpu',
      'other',
      'errors',
    ]),
  ];
}

/** One line of a single-point phase: throughput, latency, CPU, errors. */
function phaseLine(name: string, p: PointResult, unit: string): string {
  return (
    `${name}: ${p.perSecond < 100 ? fixed(p.perSecond, 1) : int(p.perSecond)} ${unit}/s with ${p.concurrency} clients; latency p50 ` +
    `${fixed(p.latencyMs.p50, 2)} ms, p99 ${fixed(p.latencyMs.p99, 2)} ms, max ${fixed(p.latencyMs.max, 1)} ms; ` +
    `server CPU ${fixed(p.server.cpuCores, 2)} cores (main thread ${fixed(p.server.mainThreadCores, 2)}), ` +
    `driver ${fixed(p.driverCpuCores, 2)}, other ${fixed(p.otherCpuCores, 2)}; errors ${p.errors}`
  );
}

/** The variants of the signing load, each beside the main point at the same concurrency. */
function variantLines(r: BenchResult): string[] {
  return (r.variants ?? []).map(
    (v) =>
      `${phaseLine(v.description, v.point, 'signatures')}; ` +
      `${fixed(v.relativeToService * 100, 1)}% of ${r.options.mode} mode`,
  );
}

/** The phases after the signing points: handshakes, logins, background logins, sessions. */
function phaseLines(r: BenchResult): string[] {
  const out: string[] = [...variantLines(r)];
  out.push(phaseLine('handshakes', r.handshakes, 'handshakes'));
  if (r.handshakeCeiling)
    out.push(
      phaseLine(
        'handshake ceiling (node:http + X25519, ECDSA, HKDF)',
        r.handshakeCeiling,
        'handshakes',
      ),
    );
  out.push(
    phaseLine('logins (bcrypt cost ' + String(r.options.bcryptCost) + ')', r.logins, 'logins'),
  );
  const b = r.backgroundLogins;
  out.push(
    `signing with background logins: ${b.signing.concurrency} clients, logins at ` +
      `${b.loginsPerSecondTarget}/s asked, ${fixed(b.loginsPerSecond, 1)}/s done ` +
      `(${b.loginsSkipped} skipped, login p50 ${fixed(b.loginLatencyMs.p50, 0)} ms, p99 ${fixed(b.loginLatencyMs.p99, 0)} ms); ` +
      `signing ${int(b.signing.perSecond)}/s, p99 ${fixed(b.signing.latencyMs.p99, 2)} ms vs ` +
      `${fixed(b.baselineP99Ms, 2)} ms without (${fixed(b.p99Ratio, 2)}x); errors ${b.signing.errors + b.loginErrors}`,
  );
  const s = r.sessions;
  out.push(
    `open sessions: ${int(s.opened)} of ${int(s.requested)} opened in ${fixed(s.openSeconds, 1)} s ` +
      `(${int(s.perSecond)}/s), ${int(s.verified)} probed; server RSS ${fixed(s.rssMB, 1)} MiB ` +
      `(${fixed(s.rssBeforeMB, 1)} MiB before, about ${int(s.bytesPerSession)} bytes/session); errors ${s.errors}`,
  );
  if (r.memory) {
    const m = r.memory;
    out.push(
      `live memory after a full GC (profile hook): JS heap ${fixed(m.beforeSessions.heapUsedMB)} → ` +
        `${fixed(m.withSessions.heapUsedMB)} MiB, external ${fixed(m.beforeSessions.externalMB)} → ` +
        `${fixed(m.withSessions.externalMB)} MiB, about ${int(m.liveBytesPerSession)} live bytes/session; ` +
        `heap reserved ${fixed(m.withSessions.heapTotalMB)} MiB`,
    );
  }
  return out;
}

/** The service's totals, the ratios, and the points measured again. */
function summaryLines(r: BenchResult): string[] {
  const out: string[] = [];
  out.push(
    `service process over the run: ${fixed(r.server.cpuSeconds, 1)} CPU s, peak RSS ${fixed(r.server.peakRssMB, 1)} MiB`,
  );
  out.push(
    `ratios: service/ceiling ${fixed(r.ratios.serviceToCeiling * 100, 1)}%, ` +
      `service/raw sign ${fixed(r.ratios.serviceToRawSign * 100, 1)}%, ceiling/raw sign ${fixed(r.ratios.ceilingToRawSign * 100, 1)}%` +
      (r.handshakeCeiling
        ? `, handshakes/handshake ceiling ${fixed((r.ratios.handshakesToCeiling ?? 0) * 100, 1)}%`
        : ''),
  );
  const measuredAgain: [string, PointResult][] = [
    ...r.ceiling.map((p): [string, PointResult] => ['ceiling', p]),
    ...r.service.map((p): [string, PointResult] => ['service', p]),
    ...(r.variants ?? []).map((v): [string, PointResult] => [v.description, v.point]),
    ['handshakes', r.handshakes],
    ...(r.handshakeCeiling
      ? [['handshake ceiling', r.handshakeCeiling] satisfies [string, PointResult]]
      : []),
    ['logins', r.logins],
    ['background logins', r.backgroundLogins.signing],
  ];
  const repeated = measuredAgain
    .filter(([, p]) => p.attempts > 1)
    .map(([name, p]) => `${name} c=${p.concurrency} (${p.attempts} attempts)`);
  if (repeated.length > 0)
    out.push(`measured again because other processes were busy: ${repeated.join(', ')}`);
  return out;
}

function targetLines(r: BenchResult): string[] {
  return [
    'targets:',
    ...r.targets.map(
      (t) =>
        `  [${!t.applicable ? 'n/a' : t.met ? 'met' : 'MISSED'}] ${t.description}: ${t.measured}${t.unit ? ` ${t.unit}` : ''} ` +
        `(target ${t.target}${t.unit ? ` ${t.unit}` : ''})`,
    ),
  ];
}

/** With --profile: each phase's categories and top functions by self time. */
function profileLines(r: BenchResult): string[] {
  const out: string[] = [];
  for (const p of r.profile) {
    out.push('');
    out.push(`profile of ${p.phase} (${int(p.sampledMs)} ms sampled, ${p.file}):`);
    for (const c of p.categories.slice(0, 12))
      out.push(`  ${pad(fixed(c.percent, 1), 5)}%  ${c.category}`);
    out.push('  top functions by self time:');
    for (const f of p.topSelf.slice(0, 12))
      out.push(`  ${pad(fixed(f.selfPercent, 1), 5)}%  ${f.functionName}  ${f.location}`);
  }
  return out;
}

/** The human-readable report printed at the end of a run. */
export function renderText(r: BenchResult): string {
  return [
    ...introLines(r),
    '',
    ...signingTable(r),
    '',
    ...phaseLines(r),
    ...summaryLines(r),
    '',
    ...targetLines(r),
    ...profileLines(r),
    '',
    `errors: ${r.errors.total}`,
    ...r.errors.samples.map((e) => `  ${e}`),
    `results: ${r.files.json}`,
    `chart:   ${r.files.svg}`,
  ].join('\n');
}

export function writeJson(file: string, result: BenchResult): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

// ----------------------------------------------------------------------------------------- SVG

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

interface Series {
  name: string;
  color: string;
  dash?: string;
  values: (number | undefined)[];
  marker?: 'circle' | 'square';
}

interface Panel {
  x: number;
  y: number;
  w: number;
  h: number;
}

function polyline(points: [number, number][], color: string, dash?: string): string {
  if (points.length === 0) return '';
  const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`);
  return `<path d="${d.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

function legend(series: Series[], x: number, y: number): string {
  return series
    .map((s, i) => {
      const ly = y + i * 16;
      return (
        `<line x1="${x}" y1="${ly}" x2="${x + 22}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` +
        `<text x="${x + 28}" y="${ly + 4}" font-size="11">${esc(s.name)}</text>`
      );
    })
    .join('');
}

const W = 1000;
const H = 530;
const SERVICE_COLOR = '#d62728';
const CEILING_COLOR = '#1f77b4';
const BACKGROUND_COLOR = '#ff7f0e';

/**
 * The chart being drawn: its SVG elements so far, the concurrency levels on its x axes and the
 * ceiling's and the service's points by level.
 */
class Chart {
  readonly parts: string[] = [];
  readonly levels: number[];
  readonly ceiling: Map<number, PointResult>;
  readonly service: Map<number, PointResult>;

  constructor(r: BenchResult) {
    this.levels = r.service.map((p) => p.concurrency);
    this.ceiling = new Map(r.ceiling.map((p) => [p.concurrency, p]));
    this.service = new Map(r.service.map((p) => [p.concurrency, p]));
  }

  xAt(panel: Panel, i: number): number {
    const n = this.levels.length;
    return panel.x + (n === 1 ? panel.w / 2 : (i / (n - 1)) * panel.w);
  }

  axes(panel: Panel, title: string, yLabel: string): void {
    this.parts.push(
      `<text x="${panel.x + panel.w / 2}" y="${panel.y - 10}" font-size="13" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
      `<line x1="${panel.x}" y1="${panel.y + panel.h}" x2="${panel.x + panel.w}" y2="${panel.y + panel.h}" stroke="#333"/>`,
      `<line x1="${panel.x}" y1="${panel.y}" x2="${panel.x}" y2="${panel.y + panel.h}" stroke="#333"/>`,
      `<text x="${panel.x + panel.w / 2}" y="${panel.y + panel.h + 36}" font-size="12" text-anchor="middle">concurrent sessions (clients)</text>`,
      `<text x="${panel.x - 52}" y="${panel.y + panel.h / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 ${panel.x - 52} ${panel.y + panel.h / 2})">${esc(yLabel)}</text>`,
    );
    this.levels.forEach((c, i) => {
      const x = this.xAt(panel, i);
      this.parts.push(
        `<line x1="${x}" y1="${panel.y + panel.h}" x2="${x}" y2="${panel.y + panel.h + 5}" stroke="#333"/>`,
        `<text x="${x}" y="${panel.y + panel.h + 18}" font-size="11" text-anchor="middle">${c}</text>`,
      );
    });
  }

  plot(panel: Panel, series: Series[], yOf: (v: number) => number): void {
    for (const s of series) {
      const pts: [number, number][] = [];
      s.values.forEach((v, i) => {
        if (v !== undefined && Number.isFinite(v) && v > 0) pts.push([this.xAt(panel, i), yOf(v)]);
      });
      this.parts.push(polyline(pts, s.color, s.dash));
      if (s.dash && !s.marker) continue;
      for (const [x, y] of pts) {
        this.parts.push(
          s.marker === 'square'
            ? `<rect x="${x - 3.5}" y="${y - 3.5}" width="7" height="7" fill="${s.color}"/>`
            : `<circle cx="${x}" cy="${y}" r="3.5" fill="${s.color}"/>`,
        );
      }
    }
  }
}

function svgTitle(r: BenchResult): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" font-size="15" text-anchor="middle" font-weight="bold">${esc(
      `DSS signing: ${r.database.version}, ${r.options.mode} mode, ${r.options.documentSize}-byte documents`,
    )}</text>`,
    `<text x="${W / 2}" y="42" font-size="11" text-anchor="middle" fill="#555">${esc(
      `${r.machine.cores} cores (${r.machine.cpuModel}), Node ${r.machine.node}, driver and server on the same machine, ${r.finishedAt.slice(0, 10)}`,
    )}</text>`,
  ];
}

/** Left: signatures per second, linear, with each point's figure above it. */
function throughputPanel(chart: Chart, panel: Panel): void {
  const { levels, parts, ceiling, service } = chart;
  const series: Series[] = [
    {
      name: 'ceiling (node:http + protocol + sign)',
      color: CEILING_COLOR,
      values: levels.map((c) => ceiling.get(c)?.perSecond),
      marker: 'square',
    },
    {
      name: 'DSS service',
      color: SERVICE_COLOR,
      values: levels.map((c) => service.get(c)?.perSecond),
    },
    {
      name: '50% of ceiling (target)',
      color: CEILING_COLOR,
      dash: '4 4',
      values: levels.map((c) => {
        const v = ceiling.get(c)?.perSecond;
        return v === undefined ? undefined : v / 2;
      }),
    },
  ];
  const max = niceCeil(
    Math.max(1, ...series.flatMap((s) => s.values.filter((v): v is number => v !== undefined))) *
      1.05,
  );
  const yOf = (v: number): number => panel.y + panel.h - (v / max) * panel.h;
  chart.axes(panel, 'Signatures per second', 'signatures/s');
  for (let k = 0; k <= 5; k++) {
    const v = (max * k) / 5;
    const y = yOf(v);
    parts.push(
      `<line x1="${panel.x}" y1="${y}" x2="${panel.x + panel.w}" y2="${y}" stroke="#eee"/>`,
      `<text x="${panel.x - 6}" y="${y + 4}" font-size="10" text-anchor="end">${int(v)}</text>`,
    );
  }
  chart.plot(panel, series, yOf);
  const label = (i: number, p: PointResult | undefined, color: string): void => {
    if (p)
      parts.push(
        `<text x="${chart.xAt(panel, i)}" y="${yOf(p.perSecond) - 8}" font-size="10" text-anchor="middle" fill="${color}">${int(p.perSecond)}</text>`,
      );
  };
  levels.forEach((c, i) => {
    label(i, ceiling.get(c), CEILING_COLOR);
    label(i, service.get(c), SERVICE_COLOR);
  });
  parts.push(legend(series, panel.x + 8, panel.y + panel.h + 56));
}

/** Right: latency, log scale, with the p99 target and the p99 under background logins. */
function latencyPanel(chart: Chart, r: BenchResult, panel: Panel): void {
  const { levels, parts, ceiling, service } = chart;
  const series: Series[] = [
    {
      name: 'service p99',
      color: SERVICE_COLOR,
      values: levels.map((c) => service.get(c)?.latencyMs.p99),
    },
    {
      name: 'service p50',
      color: SERVICE_COLOR,
      dash: '2 3',
      values: levels.map((c) => service.get(c)?.latencyMs.p50),
      marker: 'circle',
    },
    {
      name: 'ceiling p99',
      color: CEILING_COLOR,
      values: levels.map((c) => ceiling.get(c)?.latencyMs.p99),
      marker: 'square',
    },
    {
      name: 'ceiling p50',
      color: CEILING_COLOR,
      dash: '2 3',
      values: levels.map((c) => ceiling.get(c)?.latencyMs.p50),
      marker: 'square',
    },
  ];
  const bg = r.backgroundLogins;
  const bgIndex = levels.indexOf(bg.signing.concurrency);
  const values = series
    .flatMap((s) => s.values)
    .concat([50, bgIndex >= 0 ? bg.signing.latencyMs.p99 : undefined])
    .filter((v): v is number => v !== undefined && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...values))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values) * 1.2));
  const yLog = (v: number): number =>
    panel.y +
    panel.h -
    ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * panel.h;
  chart.axes(panel, 'Latency (log scale)', 'milliseconds');
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v < lo || v > hi) continue;
      const y = yLog(v);
      parts.push(
        `<line x1="${panel.x}" y1="${y}" x2="${panel.x + panel.w}" y2="${y}" stroke="#eee"/>`,
        `<text x="${panel.x - 6}" y="${y + 4}" font-size="10" text-anchor="end">${v >= 1 ? int(v) : v.toFixed(Math.max(0, -e))}</text>`,
      );
    }
  }
  const y50 = yLog(50);
  parts.push(
    `<line x1="${panel.x}" y1="${y50}" x2="${panel.x + panel.w}" y2="${y50}" stroke="#999" stroke-dasharray="6 4"/>`,
    `<text x="${panel.x + 4}" y="${y50 - 4}" font-size="10" fill="#666">p99 target 50 ms</text>`,
  );
  chart.plot(panel, series, yLog);
  const legendItems = [...series];
  if (bgIndex >= 0 && bg.signing.latencyMs.p99 > 0) {
    const x = chart.xAt(panel, bgIndex);
    const y = yLog(bg.signing.latencyMs.p99);
    parts.push(
      `<path d="M${x},${y - 6} L${x + 6},${y + 5} L${x - 6},${y + 5} Z" fill="${BACKGROUND_COLOR}"/>`,
      `<text x="${x - 8}" y="${y + 4}" font-size="10" text-anchor="end" fill="${BACKGROUND_COLOR}">${fixed(bg.signing.latencyMs.p99, 1)} ms</text>`,
    );
    legendItems.push({
      name: `service p99 with ${bg.loginsPerSecondTarget} logins/s in the background`,
      color: BACKGROUND_COLOR,
      values: [],
    });
  }
  parts.push(legend(legendItems, panel.x + 8, panel.y + panel.h + 56));
}

/** Throughput (linear) and latency (log) against concurrency, side by side. */
export function renderSvg(r: BenchResult): string {
  const chart = new Chart(r);
  chart.parts.push(...svgTitle(r));
  throughputPanel(chart, { x: 70, y: 70, w: 360, h: 290 });
  latencyPanel(chart, r, { x: 580, y: 70, w: 360, h: 290 });
  chart.parts.push('</svg>');
  return `${chart.parts.join('\n')}\n`;
}

export function writeSvg(file: string, result: BenchResult): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderSvg(result));
}

/** `node dist/bench/report.js result.json [chart.svg]`: prints a saved result again, redraws its chart. */
if (require.main === module) {
  const [json, svg] = process.argv.slice(2);
  if (!json) {
    process.stderr.write('usage: node dist/bench/report.js result.json [chart.svg]\n');
    process.exit(2);
  }
  const result = JSON.parse(readFileSync(json, 'utf8')) as BenchResult;
  result.targets = result.targets.map((t) => ({ ...t, applicable: t.applicable ?? true }));
  process.stdout.write(`${renderText(result)}\n`);
  if (svg) writeSvg(svg, result);
}
