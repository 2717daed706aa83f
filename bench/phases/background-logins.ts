/**
 * (f) Signing at the background concurrency while logins (each on a new session) start at a fixed
 * rate, whether or not earlier ones have answered (an open loop); its p99 against the plain point.
 */

import { HttpTarget, runOpenLoop, type SignRequest } from '../driver';
import { type ServiceRun } from '../run-context';
import { round, sleep } from '../stats';
import { type BackgroundLoginResult, type PointResult } from '../types';
import { loginOp } from './logins';
import { type SigningClients } from './setup';
import { signingPoint } from './signing';

export async function measureBackgroundLogins(
  run: ServiceRun,
  clients: SigningClients,
  requests: SignRequest[],
  servicePoints: PointResult[],
): Promise<BackgroundLoginResult> {
  const o = run.options;
  const bgLevel = o.backgroundConcurrency;
  const baseline =
    servicePoints.find((p) => p.concurrency === bgLevel) ??
    (await run.gate.point(`baseline c=${bgLevel}`, run.ours, () =>
      signingPoint(run, clients, requests, bgLevel, `baseline c=${bgLevel}`),
    ));
  run.progress.note(
    `background logins: signing at c=${bgLevel} with ${o.loginsPerSecond} logins/s…`,
  );
  const loginHttp = new HttpTarget(run.service.host, run.service.port, 256);
  const loginOnce = loginOp(clients.users, run.serverKey);
  const bg = await run.gate.run(
    'background logins',
    run.ours,
    () =>
      Promise.all([
        signingPoint(
          run,
          clients,
          requests,
          bgLevel,
          `signing c=${bgLevel} + logins`,
          run.profiler.hooks('signing with background logins'),
        ),
        runOpenLoop({
          label: 'background login',
          ratePerSecond: o.loginsPerSecond,
          startDelaySeconds: o.warmup,
          durationSeconds: o.duration,
          maxOutstanding: 200,
          op: () => loginOnce(loginHttp),
          errors: run.errors,
        }),
      ]),
    ([p]) => p.otherCpuCores,
  );
  loginHttp.close();
  const [bgSigningPoint, bgLogins] = bg.value;
  const signing: PointResult = { ...bgSigningPoint, attempts: bg.attempts };
  const result: BackgroundLoginResult = {
    concurrency: bgLevel,
    loginsPerSecondTarget: o.loginsPerSecond,
    loginsPerSecond: round(bgLogins.completedInWindow / bgLogins.windowSeconds, 2),
    loginErrors: bgLogins.errors,
    loginsSkipped: bgLogins.skipped,
    loginLatencyMs: bgLogins.histogram.summary(),
    signing,
    baselineP99Ms: baseline.latencyMs.p99,
    p99Ratio: round(signing.latencyMs.p99 / (baseline.latencyMs.p99 || 1), 2),
  };
  run.progress.done(
    `  with logins: signing ${Math.round(signing.perSecond)}/s, p99 ${signing.latencyMs.p99} ms ` +
      `(${result.p99Ratio}x), logins ${result.loginsPerSecond}/s`,
  );
  await sleep(300);
  return result;
}
