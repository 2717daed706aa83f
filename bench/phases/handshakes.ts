/**
 * (d) Handshakes per second: clients doing `POST /v1/handshake` in a closed loop. The same code
 * drives the service and the handshake ceiling. To keep the driver light, every answer is verified
 * (signature against the pinned key, key derivation) after the window.
 */

import { type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { finishHandshake, type PendingHandshake, sendHandshake, startHandshake } from '../driver';
import { type Hooks, measurePoint, pointLine } from '../measure';
import { type RunContext, type ServiceRun } from '../run-context';
import { type Endpoint, type ProcessProbe } from '../service';
import { sleep } from '../stats';
import { type PointResult } from '../types';

/** One handshake point against `endpoint`, whose answers must verify with `serverKey`. */
export async function handshakePoint(
  run: RunContext,
  endpoint: Endpoint,
  serverKey: KeyObject,
  dbProbe: ProcessProbe | undefined,
  label: string,
  hooks: Hooks = {},
): Promise<PointResult> {
  const answered: [PendingHandshake, unknown][] = [];
  const point = await measurePoint(run, endpoint, dbProbe, {
    label,
    workers: run.options.handshakeConcurrency,
    op: async (http) => {
      const pending = startHandshake();
      const start = performance.now();
      const json = await sendHandshake(http, pending);
      const ms = performance.now() - start;
      answered.push([pending, json]);
      return ms;
    },
    hooks,
  });
  let bad = 0;
  for (const [pending, json] of answered) {
    try {
      finishHandshake(pending, json, serverKey);
    } catch (err) {
      bad++;
      run.errors.add('handshake verification', err);
    }
  }
  point.errors += bad;
  return point;
}

/** (d) The service's handshakes. */
export async function measureServiceHandshakes(run: ServiceRun): Promise<PointResult> {
  const label = `handshakes c=${run.options.handshakeConcurrency}`;
  const point = await run.gate.point(label, run.ours, () =>
    handshakePoint(
      run,
      run.service,
      run.serverKey,
      run.dbProbe,
      label,
      run.profiler.hooks('handshakes'),
    ),
  );
  run.progress.done(pointLine('handshakes', point));
  await sleep(300);
  return point;
}
