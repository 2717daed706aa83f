/**
 * (c') Variants of the signing load at the highest concurrency, each changed in one respect: the
 * other signing mode (digest mode when the run signs documents, and the reverse), CMS signatures
 * (`format: "cms"`: CAdES with a timestamp from the service's own TSA), and one user on every
 * session (one key, one row of the active-key index, every audit event on one user).
 */

import { createHash } from 'node:crypto';
import { SignRequest } from '../driver';
import { type ServiceRun } from '../run-context';
import { ratio } from '../results';
import { round, sleep } from '../stats';
import { type PointResult, type SigningVariant } from '../types';
import { type SigningClients } from './setup';
import { signingPoint } from './signing';

/** The same documents as `requests`, signed another way. */
function variantRequests(
  requests: SignRequest[],
  mode: 'document' | 'digest',
  format: 'raw' | 'cms',
): SignRequest[] {
  return requests.map(
    (r) =>
      new SignRequest(r.document, createHash('sha256').update(r.document).digest(), mode, format),
  );
}

export async function measureVariants(
  run: ServiceRun,
  clients: SigningClients,
  requests: SignRequest[],
  service: PointResult[],
): Promise<SigningVariant[]> {
  const o = run.options;
  const level = Math.max(...o.concurrency);
  const base = service.find((p) => p.concurrency === level)?.perSecond ?? 0;
  const other = o.mode === 'document' ? 'digest' : 'document';
  const variants: SigningVariant[] = [];
  const record = (name: SigningVariant['name'], description: string, point: PointResult): void => {
    variants.push({ name, description, point, relativeToService: ratio(point.perSecond, base) });
    run.progress.done(
      `  ${description}: ${Math.round(point.perSecond)}/s (${round(ratio(point.perSecond, base) * 100)}% ` +
        `of ${o.mode} mode), p99 ${point.latencyMs.p99} ms, errors ${point.errors}`,
    );
  };

  for (const [name, description, prepared] of [
    [other, `${other} mode, c=${level}`, variantRequests(requests, other, 'raw')],
    ['cms', `CMS signatures, c=${level}`, variantRequests(requests, o.mode, 'cms')],
  ] as const) {
    const point = await run.gate.point(description, run.ours, () =>
      signingPoint(run, clients, prepared, level, description),
    );
    record(name, description, point);
    await sleep(300);
  }

  const description = `one user on ${level} sessions`;
  const sameUser = await clients.sameUser(level);
  const point = await run.gate.point(description, run.ours, () =>
    signingPoint(run, clients, requests, level, description, {}, sameUser),
  );
  record('one-user', description, point);
  return variants;
}
