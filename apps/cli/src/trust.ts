import {
  DssNetworkError,
  DssProtocolError,
  DssServerIdentityError,
  spkiFingerprint,
} from '@dss/client';
import { createPublicKey, timingSafeEqual } from 'node:crypto';
import { readPublicKeyFile } from './config-store';
import { type Pin } from './settings';

/** The server key the client pins for the handshake (PROTOCOL.md §2). */
export interface TrustedKey {
  pem: string;
  fingerprint: string;
}

/**
 * The key to verify the handshake with. A PEM pin is the key itself. A
 * fingerprint pin fetches `GET /v1/server-key` and accepts the advertised key
 * only when its SPKI SHA-256 equals the pinned fingerprint (compared in
 * constant time); the handshake then proves the server holds its private half.
 * Nothing is ever trusted on first use.
 *
 * @throws DssServerIdentityError when the advertised key has another fingerprint.
 */
export async function trustedServerKey(
  serverUrl: string,
  pin: Pin,
  timeoutMs: number,
): Promise<TrustedKey> {
  if (pin.kind === 'pem') {
    const pem = readPublicKeyFile(pin.path, 'server key');
    return { pem, fingerprint: spkiFingerprint(pem) };
  }
  const advertised = await fetchServerKey(serverUrl, timeoutMs);
  if (!sameFingerprint(advertised.fingerprint, pin.fingerprint)) {
    throw new DssServerIdentityError(pin.fingerprint, advertised.fingerprint);
  }
  return advertised;
}

/** Constant-time equality of two hex SHA-256 fingerprints. */
export function sameFingerprint(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

/**
 * `GET /v1/server-key` (PROTOCOL.md §5): the key the server advertises, with
 * its fingerprint computed here (the one in the answer is not relied on).
 * Unauthenticated: only trustworthy once compared with a pin.
 */
export async function fetchServerKey(serverUrl: string, timeoutMs: number): Promise<TrustedKey> {
  let status: number;
  let text: string;
  try {
    const res = await fetch(`${serverUrl}/v1/server-key`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    throw networkError(serverUrl, timeoutMs, err);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new DssProtocolError(`not a DSS server answer (HTTP ${status}, body is not JSON)`);
  }
  const publicKey = (body as { publicKey?: unknown } | null)?.publicKey;
  if (status !== 200 || typeof publicKey !== 'string') {
    throw new DssProtocolError(`not a DSS server answer (GET /v1/server-key: HTTP ${status})`);
  }
  let key;
  try {
    key = createPublicKey(publicKey);
  } catch {
    throw new DssProtocolError('not a DSS server answer (the advertised key is not a PEM key)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new DssProtocolError('not a DSS server answer (the advertised key is not ECDSA P-256)');
  }
  return { pem: publicKey, fingerprint: spkiFingerprint(key) };
}

/** The SDK's network errors, for a fetch made outside it (same wording). */
function networkError(serverUrl: string, timeoutMs: number, err: unknown): DssNetworkError {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new DssNetworkError('timeout', `${serverUrl} did not answer within ${timeoutMs} ms`, {
      cause: err,
    });
  }
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail =
    typeof cause?.code === 'string'
      ? cause.code
      : typeof cause?.message === 'string'
        ? cause.message
        : (err as Error).message;
  return new DssNetworkError('unreachable', `cannot reach ${serverUrl}: ${detail}`, { cause: err });
}
