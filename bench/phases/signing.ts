/** (c) Signing: closed loops of SignDoc at each concurrency, every client on its own session. */

import { type KeyObject } from 'node:crypto';
import { type SecureSession, type SignRequest } from '../driver';
import { type Hooks, measurePoint, type PointSpec } from '../measure';
import { type ServiceRun } from '../run-context';
import { sleep } from '../stats';
import { type PointResult } from '../types';
import { type SigningClient, type SigningClients } from './setup';

/**
 * Client `w` sends `requests[w]` on `sessionOf(w)`; its first signature of the point is verified
 * with `verifyKeyOf(w)`, the others are not (a lighter driver).
 */
export function signingOp(
  requests: SignRequest[],
  level: number,
  sessionOf: (w: number) => SecureSession,
  verifyKeyOf: (w: number) => KeyObject,
): PointSpec['op'] {
  const verified = new Array<boolean>(level).fill(false);
  return async (http, w) => {
    await requests[w].send(http, sessionOf(w), verified[w] ? undefined : verifyKeyOf(w));
    verified[w] = true;
  };
}

/**
 * One signing point of the service at `level` clients: the first `level` of `clients` (opened
 * as needed), or the sessions given in `sessions`.
 */
export async function signingPoint(
  run: ServiceRun,
  clients: SigningClients,
  requests: SignRequest[],
  level: number,
  label: string,
  hooks: Hooks = {},
  sessions?: SigningClient[],
): Promise<PointResult> {
  if (sessions === undefined) await clients.ensure(level);
  const c = sessions ?? clients.clients;
  return measurePoint(run, run.service, run.dbProbe, {
    label,
    workers: level,
    op: signingOp(
      requests,
      level,
      (w) => c[w].session,
      (w) => c[w].verifyKey,
    ),
    hooks,
  });
}

/** The service at each concurrency; the profile (with --profile) at the background level. */
export async function measureService(
  run: ServiceRun,
  clients: SigningClients,
  requests: SignRequest[],
): Promise<PointResult[]> {
  const o = run.options;
  const levels = o.concurrency;
  const profileLevel = levels.includes(o.backgroundConcurrency)
    ? o.backgroundConcurrency
    : Math.max(...levels);
  const points: PointResult[] = [];
  for (const level of levels) {
    const point = await run.gate.point(`service c=${level}`, run.ours, () =>
      signingPoint(
        run,
        clients,
        requests,
        level,
        `service c=${level}`,
        level === profileLevel ? run.profiler.hooks(`signing c=${level}`) : {},
      ),
    );
    points.push(point);
    run.progress.done(
      `  service c=${level}: ${Math.round(point.perSecond)}/s, p50 ${point.latencyMs.p50} ms, ` +
        `p99 ${point.latencyMs.p99} ms, errors ${point.errors}`,
    );
    await sleep(300);
  }
  return points;
}
