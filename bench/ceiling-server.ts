/**
 * The ceiling: a minimal node:http server that does only the per-request work of DSS-SC1 SignDoc
 * (PROTOCOL.md §3, §4) with no framework and no database. Per request: parse the JSON envelope,
 * look the session up, check the replay window, open the AES-256-GCM payload, parse the
 * plaintext, hash and ECDSA-sign (the service's own SigningKey, so the same OpenSSL or
 * native digest path for the chosen mode), seal the answer. One fixed signing key; sessions come
 * from real handshakes (`serverHandshake`) so the load driver runs unchanged against it.
 *
 * Run by the benchmark as a separate process (`node dist/bench/ceiling-server.js`); prints one
 * JSON line `{port, identityPublicKeyPem, signingPublicKeyPem}` once it listens.
 */

import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type ServerResponse } from 'node:http';
import { generateSigningKeyPair, SigningKey } from '@dss/keystore/signing';
import {
  b64uEncode,
  openRequest,
  parseHandshakeRequest,
  parseSealedRequest,
  sealResponse,
  serverHandshake,
  type SessionKeys,
} from '@dss/secure-channel/protocol';
import { ReplayWindow } from '@dss/secure-channel/session/replay-window';
import { plainError, send, serveBare } from './bare-server';

interface CeilingSession {
  id: Buffer;
  keys: SessionKeys;
  window: ReplayWindow;
}

const SIGN_PATH = '/v1/signatures';
const sessions = new Map<string, CeilingSession>();
const identity: KeyObject = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const generated = generateSigningKeyPair();
const signingKey = SigningKey.fromPkcs8(generated.pkcs8Der);
generated.pkcs8Der.fill(0);
const KEY_ID = '00000000-0000-4000-8000-000000000000';

function handshake(res: ServerResponse, body: unknown): void {
  const result = serverHandshake(parseHandshakeRequest(body), identity, { expiresIn: 1800 });
  sessions.set(result.response.sessionId, {
    id: result.sessionId,
    keys: result.keys,
    window: new ReplayWindow(1024),
  });
  send(res, 200, result.response);
}

function sign(res: ServerResponse, body: unknown): void {
  const { sessionId, seq, payload } = parseSealedRequest(body);
  const session = sessions.get(b64uEncode(sessionId));
  if (!session) return plainError(res, 401, 'unknown_session');
  if (!session.window.check(seq)) return plainError(res, 409, 'replayed');
  const plaintext = openRequest(session.keys, session.id, seq, 'POST', SIGN_PATH, payload);
  if (plaintext === null) return plainError(res, 400, 'decrypt_failed');
  session.window.accept(seq);

  const request = JSON.parse(plaintext.toString('utf8')) as { document?: string; digest?: string };
  let digest: Buffer;
  let signature: Buffer;
  if (typeof request.document === 'string') {
    const document = Buffer.from(request.document, 'base64url');
    digest = createHash('sha256').update(document).digest();
    signature = signingKey.signDocument(document, 'der');
  } else {
    digest = Buffer.from(request.digest ?? '', 'base64url');
    signature = signingKey.signDigest(digest, 'der');
  }
  const answer = {
    keyId: KEY_ID,
    algorithm: 'ecdsa-p256-sha256',
    digest: digest.toString('base64url'),
    signature: signature.toString('base64url'),
    encoding: 'der',
  };
  const sealed = sealResponse(
    session.keys,
    session.id,
    seq,
    200,
    Buffer.from(JSON.stringify(answer), 'utf8'),
  );
  res.setHeader('cache-control', 'no-store');
  send(res, 200, sealed);
}

serveBare(
  {
    [`POST ${SIGN_PATH}`]: sign,
    'POST /v1/handshake': handshake,
  },
  () => ({
    identityPublicKeyPem: createPublicKey(identity).export({ type: 'spki', format: 'pem' }),
    signingPublicKeyPem: generated.publicKeyPem,
  }),
);
