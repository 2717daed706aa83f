/**
 * The run's result: the machine it ran on, the ratios between service, ceilings and raw costs,
 * and the targets checked against the figures.
 */

import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { BCRYPT_COST, type BenchOptions } from './options';
import { round } from './stats';
import { type BenchResult, type PointResult, type RawSignResult, type TargetCheck } from './types';

export function machineInfo(): BenchResult['machine'] {
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

/** The options as the result records them. */
export function resultOptions(o: BenchOptions): BenchResult['options'] {
  return {
    concurrency: o.concurrency,
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
  };
}

/** a / b to three decimals; 0 when b is 0 (nothing measured). */
export const ratio = (a: number, b: number): number =>
  b > 0 ? Math.round((a / b) * 1000) / 1000 : 0;

/**
 * Best throughput to best throughput, the service to the ceiling at each concurrency, and the
 * service's handshakes to the handshake ceiling.
 */
export function ratiosOf(
  service: PointResult[],
  ceiling: PointResult[],
  raw: RawSignResult,
  handshakes: PointResult,
  handshakeCeiling: PointResult | undefined,
): BenchResult['ratios'] {
  const best = (points: PointResult[]): number => Math.max(0, ...points.map((p) => p.perSecond));
  const byLevel = new Map(ceiling.map((p) => [p.concurrency, p.perSecond]));
  return {
    serviceToCeiling: ratio(best(service), best(ceiling)),
    serviceToRawSign: ratio(best(service), raw.perSecond),
    ceilingToRawSign: ratio(best(ceiling), raw.perSecond),
    perConcurrency: service.map((p) => ({
      concurrency: p.concurrency,
      serviceToCeiling: ratio(p.perSecond, byLevel.get(p.concurrency) ?? 0),
    })),
    handshakesToCeiling: ratio(handshakes.perSecond, handshakeCeiling?.perSecond ?? 0),
  };
}

/** The targets, checked against this run (informative: a test never asserts them). */
export function targetsOf(r: BenchResult): TargetCheck[] {
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
