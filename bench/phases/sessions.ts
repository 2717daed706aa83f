/**
 * (g) Many open sessions: handshakes only, every answer verified against the pinned key, the
 * sessions kept; a sample probed with a sealed request; the server's RSS (and, with --profile,
 * its live memory) before and after.
 */

import { performance } from 'node:perf_hooks';
import {
  BenchError,
  errorCode,
  finishHandshake,
  HttpTarget,
  pool,
  type SecureSession,
  sendHandshake,
  startHandshake,
} from '../driver';
import { type ServiceRun } from '../run-context';
import { round, sleep } from '../stats';
import { type BenchResult, type MemoryBreakdown, type SessionsResult } from '../types';

/** Opens `count` sessions, 64 handshakes at a time; the ones that opened and verified. */
async function openAll(
  run: ServiceRun,
  http: HttpTarget,
  count: number,
): Promise<{ sessions: SecureSession[]; failed: number; seconds: number }> {
  const pendings = Array.from({ length: count }, startHandshake);
  let failed = 0;
  let done = 0;
  const start = performance.now();
  const answers = await pool(pendings, 64, async (p) => {
    try {
      const json = await sendHandshake(http, p);
      if (++done % 500 === 0) run.progress.update(`  sessions: ${done}/${count}`);
      return json;
    } catch (err) {
      failed++;
      run.errors.add('open sessions', err);
      return undefined;
    }
  });
  const seconds = (performance.now() - start) / 1000;
  const sessions: SecureSession[] = [];
  answers.forEach((json, i) => {
    if (json === undefined) return;
    try {
      sessions.push(finishHandshake(pendings[i], json, run.serverKey));
    } catch (err) {
      failed++;
      run.errors.add('open sessions', err);
    }
  });
  return { sessions, failed, seconds };
}

/**
 * Probes a sample of about 200: each must still be held by the server (a sealed 401
 * not_authenticated, answered under the session's keys; an unknown session would get a plain
 * 401). Returns how many answered so, and how many did not.
 */
async function probe(
  run: ServiceRun,
  http: HttpTarget,
  sessions: SecureSession[],
): Promise<{ verified: number; failed: number }> {
  const step = Math.max(1, Math.floor(sessions.length / 200));
  const sample = sessions.filter((_, i) => i % step === 0);
  let verified = 0;
  let failed = 0;
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
      run.errors.add('open sessions probe', err);
    }
  });
  return { verified, failed };
}

/** Opens `count` sessions (handshake only), keeps them, probes a sample, reads the RSS. */
async function openSessions(run: ServiceRun, count: number): Promise<SessionsResult> {
  const server = run.service.process;
  await sleep(500);
  const before = server.probe.sample();
  const http = new HttpTarget(run.service.host, run.service.port, 64);
  const opened = await openAll(run, http, count);
  const probed = await probe(run, http, opened.sessions);
  http.close();
  await sleep(1000);
  const after = server.probe.sample();
  const n = opened.sessions.length;
  return {
    requested: count,
    opened: n,
    verified: probed.verified,
    openSeconds: round(opened.seconds, 2),
    perSecond: round(n / opened.seconds),
    errors: opened.failed + probed.failed,
    rssBeforeMB: round(before.rssMB),
    rssMB: round(after.rssMB),
    bytesPerSession: Math.round(n > 0 ? ((after.rssMB - before.rssMB) * 2 ** 20) / n : 0),
  };
}

/** The live-memory figures of the phase (with --profile), from the service's profile hook. */
function liveMemory(
  before: MemoryBreakdown | undefined,
  withSessions: MemoryBreakdown | undefined,
  opened: number,
): BenchResult['memory'] {
  if (!before || !withSessions) return undefined;
  return {
    beforeSessions: before,
    withSessions,
    liveBytesPerSession: Math.round(
      ((withSessions.heapUsedMB + withSessions.externalMB - before.heapUsedMB - before.externalMB) *
        2 ** 20) /
        Math.max(1, opened),
    ),
  };
}

export async function measureOpenSessions(
  run: ServiceRun,
): Promise<{ sessions: SessionsResult; memory: BenchResult['memory'] }> {
  const o = run.options;
  const server = run.service.process;
  await run.gate.waitForQuiet('open sessions', run.ours());
  run.progress.note(`open sessions: ${o.sessions} handshakes, kept open…`);
  const memoryNow = async (): Promise<MemoryBreakdown | undefined> =>
    o.profile ? (await server.profile({ type: 'memory' })).memory : undefined;
  const memoryBefore = await memoryNow();
  const sessions = await openSessions(run, o.sessions);
  const memoryWith = await memoryNow();
  run.progress.done(
    `  sessions: ${sessions.opened} open, server RSS ${sessions.rssMB} MiB (${sessions.rssBeforeMB} before)`,
  );
  return { sessions, memory: liveMemory(memoryBefore, memoryWith, sessions.opened) };
}
