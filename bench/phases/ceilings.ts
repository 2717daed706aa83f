/**
 * (b) The ceilings: the same driver against bare node:http servers that do only the protocol's
 * work, each in its own process: SignDoc at each concurrency (bench/ceiling-server.ts) and the
 * handshake at the handshake phase's concurrency (bench/handshake-ceiling-server.ts).
 */

import { createPublicKey } from 'node:crypto';
import { HttpTarget, pool, SecureSession, type SignRequest } from '../driver';
import { measurePoint, pointLine } from '../measure';
import { type RunContext } from '../run-context';
import { startCeiling, startHandshakeCeiling } from '../service';
import { sleep } from '../stats';
import { type PointResult } from '../types';
import { handshakePoint } from './handshakes';
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

/**
 * One handshake point against the bare handshake server, driven and verified exactly as the
 * service's handshake phase is (same clients, warm-up and window).
 */
export async function measureHandshakeCeiling(run: RunContext): Promise<PointResult> {
  run.progress.note('handshake ceiling: minimal node:http server (X25519, ECDSA, HKDF)…');
  const c = await startHandshakeCeiling();
  run.cleanups.push(() => c.process.stop());
  const identity = createPublicKey(c.identityPublicKeyPem);
  const label = `handshake ceiling c=${run.options.handshakeConcurrency}`;
  const point = await run.gate.point(
    label,
    () => [c.process.probe],
    () => handshakePoint(run, c, identity, undefined, label),
  );
  run.progress.done(pointLine('handshake ceiling', point));
  await c.process.stop();
  await sleep(300);
  return point;
}
