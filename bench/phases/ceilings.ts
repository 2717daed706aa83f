/**
 * (b) The ceiling: the same driver against a bare node:http server, in its own process, that does
 * only the protocol's per-request work of SignDoc (bench/ceiling-server.ts), at each concurrency.
 */

import { createPublicKey } from 'node:crypto';
import { HttpTarget, pool, SecureSession, type SignRequest } from '../driver';
import { measurePoint, pointLine } from '../measure';
import { type RunContext } from '../run-context';
import { startCeiling } from '../service';
import { sleep } from '../stats';
import { type PointResult } from '../types';
import { signingOp } from './signing';

/** Signing ceiling points at each concurrency; sessions from real handshakes, one per client. */
export async function measureSigningCeiling(
  run: RunContext,
  requests: SignRequest[],
): Promise<PointResult[]> {
  const levels = run.options.concurrency;
  run.progress.note('ceiling: minimal node:http server (open, sign, seal)…');
  const c = await startCeiling();
  run.cleanups.push(() => c.process.stop());
  const identity = createPublicKey(c.identityPublicKeyPem);
  const signer = createPublicKey(c.signingPublicKeyPem);
  const setup = new HttpTarget(c.host, c.port, 16);
  const sessions = await pool(Array.from({ length: Math.max(...levels) }), 16, () =>
    SecureSession.open(setup, identity),
  );
  setup.close();
  const points: PointResult[] = [];
  for (const level of levels) {
    const label = `ceiling c=${level}`;
    const point = await run.gate.point(
      label,
      () => [c.process.probe],
      () =>
        measurePoint(run, c, undefined, {
          label,
          workers: level,
          op: signingOp(
            requests,
            level,
            (w) => sessions[w],
            () => signer,
          ),
        }),
    );
    points.push(point);
    run.progress.done(pointLine(label, point));
    await sleep(300);
  }
  await c.process.stop();
  return points;
}
