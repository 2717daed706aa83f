/** (e) Logins per second (bcrypt cost 12), each on a fresh session. */

import { type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type HttpTarget, SecureSession } from '../driver';
import { measurePoint } from '../measure';
import { type ServiceRun } from '../run-context';
import { type PointResult } from '../types';
import { type BenchUser } from './setup';

/**
 * A login of the next user (round-robin) on a new session: handshake, then login. Returns the
 * login's latency alone.
 */
export function loginOp(
  users: BenchUser[],
  serverKey: KeyObject,
): (http: HttpTarget) => Promise<number> {
  let cursor = 0;
  return async (http) => {
    const u = users[cursor++ % users.length];
    const session = await SecureSession.open(http, serverKey);
    const start = performance.now();
    await session.login(http, u.username, u.password);
    return performance.now() - start;
  };
}

export async function measureLogins(run: ServiceRun, users: BenchUser[]): Promise<PointResult> {
  const o = run.options;
  const label = `logins c=${o.loginConcurrency}`;
  const op = loginOp(users, run.serverKey);
  const logins = await run.gate.point(label, run.ours, () =>
    measurePoint(run, run.service, run.dbProbe, {
      label,
      workers: o.loginConcurrency,
      op,
      hooks: run.profiler.hooks('logins'),
    }),
  );
  run.progress.done(
    `  logins: ${logins.perSecond}/s, p50 ${logins.latencyMs.p50} ms, errors ${logins.errors}`,
  );
  return logins;
}
