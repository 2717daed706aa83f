/**
 * Known-answer tests: the golden vectors of docs/protocol/protocol-vectors.json,
 * reproduced byte for byte (PROTOCOL.md §2, §3).
 */

import { createPrivateKey, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  aadRequest,
  aadResponse,
  b64uDecode,
  b64uEncode,
  buildSigned,
  clientHandshakeFinish,
  clientHandshakeStart,
  deriveSessionKeys,
  gcmOpen,
  gcmSeal,
  nonceFor,
  openRequest,
  openResponse,
  parseHandshakeRequest,
  parseSealedRequest,
  sealRequest,
  sealResponse,
  serverHandshake,
  x25519GenerateKeyPair,
  x25519SharedSecret,
  type SessionKeys,
} from '.';

interface C2sRecord {
  direction: 'c2s';
  method: string;
  path: string;
  seq: number;
  plaintext: string;
  nonce: string;
  aad: string;
  body: { sessionId: string; seq: number; payload: string };
}
interface S2cRecord {
  direction: 's2c';
  status: number;
  seq: number;
  plaintext: string;
  nonce: string;
  aad: string;
  body: { seq: number; payload: string };
}
interface Vectors {
  inputs: {
    clientEphemeralPrivateKey: string;
    serverEphemeralPrivateKey: string;
    clientNonce: string;
    serverNonce: string;
    sessionId: string;
    serverSigningPrivateKeyScalar: string;
    serverSigningPublicKeyPem: string;
  };
  handshake: {
    request: { version: 1; clientPublicKey: string; clientNonce: string };
    response: {
      version: 1;
      sessionId: string;
      serverPublicKey: string;
      serverNonce: string;
      signature: string;
      expiresIn: number;
    };
    signedBytes: string;
    sharedSecret: string;
    transcriptHash: string;
    k_c2s: string;
    k_s2c: string;
    iv_c2s: string;
    iv_s2c: string;
  };
  records: (C2sRecord | S2cRecord)[];
}

const REPO_ROOT = resolve(__dirname, '../../../..');
const COMMITTED = resolve(REPO_ROOT, 'docs/protocol/protocol-vectors.json');
const SHARED = resolve(REPO_ROOT, '../shared/protocol-vectors.json');

const committedText = readFileSync(COMMITTED, 'utf8');
const v = JSON.parse(committedText) as Vectors;
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

const inputs = {
  esk_C: hex(v.inputs.clientEphemeralPrivateKey),
  esk_S: hex(v.inputs.serverEphemeralPrivateKey),
  clientNonce: hex(v.inputs.clientNonce),
  serverNonce: hex(v.inputs.serverNonce),
  sessionId: hex(v.inputs.sessionId),
};
const expectedKeys: SessionKeys = {
  k_c2s: hex(v.handshake.k_c2s),
  k_s2c: hex(v.handshake.k_s2c),
  iv_c2s: hex(v.handshake.iv_c2s),
  iv_s2c: hex(v.handshake.iv_s2c),
};
const pinned = createPublicKey(v.inputs.serverSigningPublicKeyPem);

function vectorIdentityKey(): KeyObject {
  const { x, y } = pinned.export({ format: 'jwk' });
  const d = b64uEncode(hex(v.inputs.serverSigningPrivateKeyScalar));
  return createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x, y, d }, format: 'jwk' });
}

describe('golden fixture', () => {
  it('docs/protocol/protocol-vectors.json is byte-identical to the shared vectors', () => {
    if (!existsSync(SHARED)) {
      return; // outside the shared workspace the committed copy is the reference
    }
    expect(readFileSync(COMMITTED).equals(readFileSync(SHARED))).toBe(true);
  });
});

describe('PROTOCOL §2 handshake', () => {
  const client = x25519GenerateKeyPair(inputs.esk_C);
  const server = x25519GenerateKeyPair(inputs.esk_S);
  const epk_C = b64uDecode(v.handshake.request.clientPublicKey, 'clientPublicKey', 32);
  const epk_S = b64uDecode(v.handshake.response.serverPublicKey, 'serverPublicKey', 32);

  it('derives both ephemeral public keys from the private keys', () => {
    expect(client.publicKeyRaw.equals(epk_C)).toBe(true);
    expect(server.publicKeyRaw.equals(epk_S)).toBe(true);
  });

  it('parses the vector request', () => {
    const req = parseHandshakeRequest(v.handshake.request);
    expect(req.clientPublicKey.equals(epk_C)).toBe(true);
    expect(req.clientNonce.equals(inputs.clientNonce)).toBe(true);
  });

  it('builds signed = label || 0x00 || epk_S || epk_C || clientNonce || serverNonce || sessionId', () => {
    const signed = buildSigned(
      epk_S,
      epk_C,
      inputs.clientNonce,
      inputs.serverNonce,
      inputs.sessionId,
    );
    expect(signed.toString('hex')).toBe(v.handshake.signedBytes);
  });

  it('computes the same shared secret in both directions', () => {
    expect(x25519SharedSecret(server.privateKey, epk_C).toString('hex')).toBe(
      v.handshake.sharedSecret,
    );
    expect(x25519SharedSecret(client.privateKey, epk_S).toString('hex')).toBe(
      v.handshake.sharedSecret,
    );
  });

  it('derives th and k_c2s, k_s2c, iv_c2s, iv_s2c with HKDF-SHA256', () => {
    const keys = deriveSessionKeys(
      hex(v.handshake.sharedSecret),
      inputs.clientNonce,
      inputs.serverNonce,
      hex(v.handshake.transcriptHash),
    );
    expect(keys.k_c2s.toString('hex')).toBe(v.handshake.k_c2s);
    expect(keys.k_s2c.toString('hex')).toBe(v.handshake.k_s2c);
    expect(keys.iv_c2s.toString('hex')).toBe(v.handshake.iv_c2s);
    expect(keys.iv_s2c.toString('hex')).toBe(v.handshake.iv_s2c);
  });

  it('the vector signature verifies over signed with serverSigningPublicKeyPem (DER)', () => {
    const signature = b64uDecode(v.handshake.response.signature, 'signature');
    const ok = verify(
      'sha256',
      hex(v.handshake.signedBytes),
      { key: pinned, dsaEncoding: 'der' },
      signature,
    );
    expect(ok).toBe(true);
  });

  it('the vector identity scalar matches the pinned public key', () => {
    const pub = createPublicKey(vectorIdentityKey()).export({ format: 'der', type: 'spki' });
    expect(pub.equals(pinned.export({ format: 'der', type: 'spki' }))).toBe(true);
  });

  it('client: start reproduces the request, finish accepts the response and derives the keys', () => {
    const { request, state } = clientHandshakeStart({
      ephemeralPrivateKey: inputs.esk_C,
      clientNonce: inputs.clientNonce,
    });
    expect(request).toEqual(v.handshake.request);
    const result = clientHandshakeFinish(state, v.handshake.response, pinned);
    expect(result.sessionId.equals(inputs.sessionId)).toBe(true);
    expect(result.expiresIn).toBe(v.handshake.response.expiresIn);
    expect(result.keys).toEqual(expectedKeys);
  });

  it('server: with injected esk_S, serverNonce and sessionId, reproduces the response and keys', () => {
    const draws = [inputs.serverNonce, inputs.sessionId];
    const randomBytes = jest.fn((n: number) => {
      const next = draws.shift()!;
      expect(n).toBe(next.length);
      return Buffer.from(next);
    });
    const result = serverHandshake(
      parseHandshakeRequest(v.handshake.request),
      vectorIdentityKey(),
      {
        expiresIn: v.handshake.response.expiresIn,
        randomBytes,
        ephemeralPrivateKey: inputs.esk_S,
      },
    );
    expect(randomBytes).toHaveBeenCalledTimes(2);
    const { signature, ...rest } = result.response;
    const { signature: _vectorSignature, ...expectedRest } = v.handshake.response;
    expect(rest).toEqual(expectedRest);
    expect(result.sessionId.equals(inputs.sessionId)).toBe(true);
    expect(result.transcriptHash.toString('hex')).toBe(v.handshake.transcriptHash);
    expect(result.keys).toEqual(expectedKeys);
    // ECDSA is randomized: verify the fresh signature rather than compare it.
    const ok = verify(
      'sha256',
      hex(v.handshake.signedBytes),
      { key: pinned, dsaEncoding: 'der' },
      b64uDecode(signature, 'signature'),
    );
    expect(ok).toBe(true);
    // ... and the client accepts the fresh response.
    const { state } = clientHandshakeStart({
      ephemeralPrivateKey: inputs.esk_C,
      clientNonce: inputs.clientNonce,
    });
    expect(clientHandshakeFinish(state, result.response, pinned).keys).toEqual(expectedKeys);
  });
});

describe('§3 records', () => {
  const sessionId = inputs.sessionId;

  describe.each(v.records.map((r) => [`${r.direction} seq ${r.seq}`, r] as const))(
    '%s',
    (_name, record) => {
      const plaintext = Buffer.from(record.plaintext, 'utf8');

      if (record.direction === 'c2s') {
        it('nonce_c2s(seq) = iv_c2s XOR (0x00000000 || u64(seq))', () => {
          expect(nonceFor(expectedKeys.iv_c2s, record.seq).toString('hex')).toBe(record.nonce);
        });
        it('aad_req = label || 0x00 || sessionId || u64(seq) || M || 0x20 || P', () => {
          expect(
            aadRequest(sessionId, record.seq, record.method, record.path).toString('hex'),
          ).toBe(record.aad);
        });
        it('gcmSeal gives the payload, gcmOpen gives back the plaintext', () => {
          const sealed = gcmSeal(expectedKeys.k_c2s, hex(record.nonce), plaintext, hex(record.aad));
          expect(b64uEncode(sealed)).toBe(record.body.payload);
          const opened = gcmOpen(
            expectedKeys.k_c2s,
            hex(record.nonce),
            b64uDecode(record.body.payload, 'payload'),
            hex(record.aad),
          );
          expect(opened?.toString('utf8')).toBe(record.plaintext);
        });
        it('client sealRequest gives the body; server parse + openRequest gives the plaintext', () => {
          const body = sealRequest(
            expectedKeys,
            sessionId,
            record.seq,
            record.method,
            record.path,
            plaintext,
          );
          expect(body).toEqual(record.body);
          const parsed = parseSealedRequest(JSON.parse(JSON.stringify(record.body)));
          expect(parsed.sessionId.equals(sessionId)).toBe(true);
          expect(parsed.seq).toBe(record.seq);
          const opened = openRequest(
            expectedKeys,
            parsed.sessionId,
            parsed.seq,
            record.method,
            record.path,
            parsed.payload,
          );
          expect(opened?.toString('utf8')).toBe(record.plaintext);
        });
      } else {
        it('nonce_s2c(seq) = iv_s2c XOR (0x00000000 || u64(seq))', () => {
          expect(nonceFor(expectedKeys.iv_s2c, record.seq).toString('hex')).toBe(record.nonce);
        });
        it('aad_res = label || 0x00 || sessionId || u64(seq) || u16(S)', () => {
          expect(aadResponse(sessionId, record.seq, record.status).toString('hex')).toBe(
            record.aad,
          );
        });
        it('gcmSeal gives the payload, gcmOpen gives back the plaintext', () => {
          const sealed = gcmSeal(expectedKeys.k_s2c, hex(record.nonce), plaintext, hex(record.aad));
          expect(b64uEncode(sealed)).toBe(record.body.payload);
          const opened = gcmOpen(
            expectedKeys.k_s2c,
            hex(record.nonce),
            b64uDecode(record.body.payload, 'payload'),
            hex(record.aad),
          );
          expect(opened?.toString('utf8')).toBe(record.plaintext);
        });
        it('server sealResponse gives the body; client openResponse gives the plaintext', () => {
          expect(
            sealResponse(expectedKeys, sessionId, record.seq, record.status, plaintext),
          ).toEqual(record.body);
          const opened = openResponse(
            expectedKeys,
            sessionId,
            record.seq,
            record.status,
            record.body,
          );
          expect(opened?.toString('utf8')).toBe(record.plaintext);
        });
        it('the status is bound: opening under another status fails', () => {
          const other = record.status === 200 ? 500 : 200;
          expect(openResponse(expectedKeys, sessionId, record.seq, other, record.body)).toBeNull();
        });
      }
    },
  );
});
