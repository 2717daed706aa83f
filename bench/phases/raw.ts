/**
 * (a) In-process reference costs, one thread, no HTTP: raw ECDSA P-256 signing through the
 * service's SigningKey in both modes, `serverHandshake` (X25519, ECDSA, HKDF) and one bcrypt
 * verification at the service's cost.
 */

import bcrypt from 'bcrypt';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { nativeDigestSignerProblem } from '@dss/keystore/native-digest-signer';
import { generateSigningKeyPair, SigningKey } from '@dss/keystore/signing';
import {
  clientHandshakeStart,
  parseHandshakeRequest,
  serverHandshake,
} from '@dss/secure-channel/protocol';
import { rateOf } from '../measure';
import { BCRYPT_COST, type BenchOptions } from '../options';
import { type RunContext } from '../run-context';
import { median, round } from '../stats';
import { type RawCostsResult, type RawSignResult } from '../types';

/** (a) Raw ECDSA P-256 signing rate in this process, one thread, through the service's SigningKey. */
function measureRawSign(o: BenchOptions): RawSignResult {
  const generated = generateSigningKeyPair();
  const key = SigningKey.fromPkcs8(generated.pkcs8Der);
  // The JavaScript fallback, for reference: what digest signing costs without the native module.
  const fallback = SigningKey.fromPkcs8(generated.pkcs8Der, undefined, { nativeDigests: false });
  generated.pkcs8Der.fill(0);
  const document = randomBytes(o.documentSize);
  const digest = createHash('sha256').update(document).digest();
  const seconds = o.quick ? 0.5 : 2;
  const documentPerSecond = rateOf(() => key.signDocument(document, 'der'), seconds);
  const digestPerSecond = rateOf(() => key.signDigest(digest, 'der'), seconds);
  const digestFallbackPerSecond = rateOf(() => fallback.signDigest(digest, 'der'), seconds / 2);
  key.destroy();
  fallback.destroy();
  return {
    mode: o.mode,
    documentSize: o.documentSize,
    perSecond: Math.round(o.mode === 'document' ? documentPerSecond : digestPerSecond),
    documentPerSecond: Math.round(documentPerSecond),
    digestPerSecond: Math.round(digestPerSecond),
    digestFallbackPerSecond: Math.round(digestFallbackPerSecond),
    digestNative: nativeDigestSignerProblem() === null,
  };
}

/** In-process costs that bound the handshake and login phases: serverHandshake and bcrypt. */
async function measureRawCosts(o: BenchOptions): Promise<RawCostsResult> {
  const identity = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const request = parseHandshakeRequest(clientHandshakeStart().request);
  const handshakePerSecond = rateOf(
    () => serverHandshake(request, identity, { expiresIn: 1800 }),
    o.quick ? 0.3 : 1.5,
  );
  const hash = await bcrypt.hash('a benchmark password', BCRYPT_COST);
  const times: number[] = [];
  for (let i = 0; i < (o.quick ? 1 : 3); i++) {
    const t = performance.now();
    await bcrypt.compare('a benchmark password', hash);
    times.push(performance.now() - t);
  }
  return {
    handshakePerSecond: Math.round(handshakePerSecond),
    bcryptMs: round(median(times)),
    bcryptCost: BCRYPT_COST,
  };
}

export async function measureRaw(
  run: RunContext,
): Promise<{ rawSign: RawSignResult; rawCosts: RawCostsResult }> {
  await run.gate.waitForQuiet('raw signing', []);
  run.progress.note('raw ECDSA P-256 signing, in-process, one thread…');
  const rawSign = measureRawSign(run.options);
  const rawCosts = await measureRawCosts(run.options);
  run.progress.done(
    `  raw sign: ${rawSign.documentPerSecond}/s document mode, ${rawSign.digestPerSecond}/s digest mode ` +
      `(${rawSign.digestFallbackPerSecond}/s in the JavaScript fallback); ` +
      `serverHandshake ${rawCosts.handshakePerSecond}/s; bcrypt ${rawCosts.bcryptMs} ms`,
  );
  return { rawSign, rawCosts };
}
