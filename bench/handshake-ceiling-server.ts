/**
 * The handshake ceiling: a minimal node:http server that answers the DSS-SC1 handshake
 * (PROTOCOL.md §2) doing only what it must, with the protocol library's own `serverHandshake`:
 * a fresh X25519 key pair and the shared secret, the ECDSA P-256 signature of `signed` with the
 * server identity key, HKDF-SHA256. Its answers are byte-compatible with the service's
 * `POST /v1/handshake`, so the benchmark drives both with the same code and verifies every answer
 * against the identity key the same way.
 *
 * Unlike the signing ceiling it keeps no session: storing one is part of the service's work that
 * this ceiling measures it against, and no request ever uses the derived keys here.
 *
 * Run by the benchmark as a separate process (`node dist/bench/handshake-ceiling-server.js`);
 * prints one JSON line `{port, identityPublicKeyPem}` once it listens.
 */

import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type ServerResponse } from 'node:http';
import { parseHandshakeRequest, serverHandshake } from '@dss/secure-channel/protocol';
import { send, serveBare } from './bare-server';

const identity: KeyObject = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

function handshake(res: ServerResponse, body: unknown): void {
  const { response } = serverHandshake(parseHandshakeRequest(body), identity, {
    expiresIn: 1800,
  });
  send(res, 200, response);
}

serveBare({ 'POST /v1/handshake': handshake }, () => ({
  identityPublicKeyPem: createPublicKey(identity).export({ type: 'spki', format: 'pem' }),
}));
