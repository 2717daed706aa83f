/**
 * `npm run bench -- --redis redis://…`: the service measured twice in one run, sessions in
 * memory (one instance) and in Redis (a fleet), and the two side by side: what the shared store
 * costs per request (throughput, latency, service CPU per request).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type BenchResult, type PointResult } from './types';

export interface RedisComparison {
  memory: BenchResult;
  redis: BenchResult;
}

interface RunOptions {
  serviceEnv: string[];
  skipCeiling: boolean;
}

/** Runs `run` with the memory store, then with `url`, under a key prefix dropped afterwards. */
export async function compareWithRedis<O extends RunOptions>(
  options: O,
  url: string,
  run: (o: O) => Promise<BenchResult>,
): Promise<RedisComparison> {
  const memory = await run(options);
  const prefix = `dss-bench:${randomBytes(6).toString('hex')}:`;
  try {
    const redis = await run({
      ...options,
      // The ceiling does not depend on the session store: measured once, in the first run.
      skipCeiling: true,
      serviceEnv: [...options.serviceEnv, `DSS_REDIS_URL=${url}`, `DSS_REDIS_KEY_PREFIX=${prefix}`],
    });
    return { memory, redis };
  } finally {
    await dropPrefix(url, prefix);
  }
}

async function dropPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

const pad = (s: string | number, n: number): string => String(s).padStart(n);
const ratio = (a: number, b: number): string =>
  b > 0 ? `${((a / b - 1) * 100).toFixed(1)}%` : '—';

function row(label: string, m: PointResult, r: PointResult): string {
  return [
    label.padEnd(16),
    pad(Math.round(m.perSecond), 9),
    pad(Math.round(r.perSecond), 9),
    pad(ratio(r.perSecond, m.perSecond), 8),
    pad(m.latencyMs.p50, 8),
    pad(r.latencyMs.p50, 8),
    pad(m.latencyMs.p99, 8),
    pad(r.latencyMs.p99, 8),
    pad(m.server.cpuMsPerOp.toFixed(3), 9),
    pad(r.server.cpuMsPerOp.toFixed(3), 9),
    pad(`${(r.server.cpuMsPerOp - m.server.cpuMsPerOp).toFixed(3)}`, 9),
  ].join(' ');
}

/** The side-by-side table: each signing point, handshakes and logins, memory vs Redis. */
export function renderComparison({ memory, redis }: RedisComparison): string {
  const header = [
    'point'.padEnd(16),
    pad('mem/s', 9),
    pad('redis/s', 9),
    pad('Δ/s', 8),
    pad('mem p50', 8),
    pad('red p50', 8),
    pad('mem p99', 8),
    pad('red p99', 8),
    pad('mem ms/op', 9),
    pad('red ms/op', 9),
    pad('Δ ms/op', 9),
  ].join(' ');
  const lines = [
    'Sessions in memory vs in Redis (latency in ms; ms/op: service CPU per request)',
    header,
  ];
  for (const m of memory.service) {
    const r = redis.service.find((p) => p.concurrency === m.concurrency);
    if (r) lines.push(row(`sign c=${m.concurrency}`, m, r));
  }
  lines.push(row('handshake', memory.handshakes, redis.handshakes));
  lines.push(row('login', memory.logins, redis.logins));
  return lines.join('\n');
}
