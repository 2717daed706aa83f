import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { b64uDecode, b64uEncode } from './b64u';
import { ChannelError, ChannelErrorCode, HandshakeError } from './errors';
import {
  buildSigned,
  clientHandshakeFinish,
  clientHandshakeStart,
  parseHandshakeRequest,
  serverHandshake,
  spkiFingerprint,
  type HandshakeResponseWire,
} from './handshake';
import { x25519GenerateKeyPair, x25519SharedSecret } from './x25519';
import { thrownBy } from '@dss/testing/thrown';

const channelErrorOf = (fn: () => unknown): ChannelError => thrownBy(ChannelError, fn);

const handshakeErrorOf = (fn: () => unknown): HandshakeError => thrownBy(HandshakeError, fn);

const identity = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const validRequest = (): Record<string, unknown> => ({
  version: 1,
  clientPublicKey: b64uEncode(x25519GenerateKeyPair().publicKeyRaw),
  clientNonce: b64uEncode(randomBytes(16)),
});

describe('PROTOCOL §2 handshake: request validation', () => {
  it('accepts a well-formed request', () => {
    const req = parseHandshakeRequest(validRequest());
    expect(req.clientPublicKey).toHaveLength(32);
    expect(req.clientNonce).toHaveLength(16);
  });

  it.each([[2], [0], [1.5], [-1]])('version %p → unsupported_version', (version) => {
    const err = channelErrorOf(() => parseHandshakeRequest({ ...validRequest(), version }));
    expect(err.code).toBe(ChannelErrorCode.UnsupportedVersion);
    expect(err.status).toBe(400);
  });

  it('checks version before the other fields (a v2 body with new fields is unsupported_version)', () => {
    const err = channelErrorOf(() => parseHandshakeRequest({ version: 2, somethingNew: true }));
    expect(err.code).toBe(ChannelErrorCode.UnsupportedVersion);
  });

  it.each([
    ['missing version', { version: undefined }],
    ['string version', { version: '1' }],
    ['null version', { version: null }],
  ])('%s → bad_envelope', (_why, patch) => {
    const body = { ...validRequest(), ...patch };
    if (patch.version === undefined) delete body.version;
    expect(channelErrorOf(() => parseHandshakeRequest(body)).code).toBe(
      ChannelErrorCode.BadEnvelope,
    );
  });

  it.each([[null], [[]], ['{}'], [42], [undefined]])('body %p → bad_envelope', (body) => {
    expect(channelErrorOf(() => parseHandshakeRequest(body)).code).toBe(
      ChannelErrorCode.BadEnvelope,
    );
  });

  it('a 31- or 33-byte key → bad_public_key', () => {
    for (const n of [31, 33, 0]) {
      const body = { ...validRequest(), clientPublicKey: b64uEncode(randomBytes(n)) };
      const err = channelErrorOf(() => parseHandshakeRequest(body));
      expect(err.code).toBe(ChannelErrorCode.BadPublicKey);
      expect(err.message).toMatch(/^clientPublicKey: /);
    }
  });

  it('a key that is not base64url, or not a string → bad_envelope', () => {
    for (const clientPublicKey of ['not base64!', 42, undefined]) {
      const err = channelErrorOf(() =>
        parseHandshakeRequest({ ...validRequest(), clientPublicKey }),
      );
      expect(err.code).toBe(ChannelErrorCode.BadEnvelope);
    }
  });

  it('a nonce of the wrong length → bad_envelope', () => {
    for (const n of [15, 17, 0]) {
      const body = { ...validRequest(), clientNonce: b64uEncode(randomBytes(n)) };
      const err = channelErrorOf(() => parseHandshakeRequest(body));
      expect(err.code).toBe(ChannelErrorCode.BadEnvelope);
      expect(err.message).toMatch(/^clientNonce: /);
    }
  });

  it('an unknown extra field → bad_envelope naming it', () => {
    const err = channelErrorOf(() => parseHandshakeRequest({ ...validRequest(), extra: 1 }));
    expect(err.code).toBe(ChannelErrorCode.BadEnvelope);
    expect(err.message).toBe('extra: unknown field');
    const proto = channelErrorOf(() =>
      parseHandshakeRequest(JSON.parse(`{"version":1,"__proto__":{}}`)),
    );
    expect(proto.code).toBe(ChannelErrorCode.BadEnvelope);
  });
});

describe('PROTOCOL §2 handshake: all-zero shared secret', () => {
  const zeroKey = Buffer.alloc(32);
  // u = 1 is a small-order point too: X25519(k, 1) = 0 for every k.
  const one = Buffer.alloc(32);
  one[0] = 1;

  it.each([
    ['the all-zero key', zeroKey],
    ['u = 1', one],
  ])('x25519SharedSecret with %s → bad_public_key', (_name, peer) => {
    const { privateKey } = x25519GenerateKeyPair();
    const err = channelErrorOf(() => x25519SharedSecret(privateKey, peer));
    expect(err.code).toBe(ChannelErrorCode.BadPublicKey);
    expect(err.status).toBe(400);
  });

  it('serverHandshake aborts before signing anything', () => {
    const req = parseHandshakeRequest({ ...validRequest(), clientPublicKey: b64uEncode(zeroKey) });
    const draws: number[] = [];
    const err = channelErrorOf(() =>
      serverHandshake(req, identity.privateKey, {
        expiresIn: 1800,
        randomBytes: (n) => {
          draws.push(n);
          return randomBytes(n);
        },
      }),
    );
    expect(err.code).toBe(ChannelErrorCode.BadPublicKey);
    expect(draws).toEqual([16, 16]);
  });

  it('x25519SharedSecret rejects a peer key of the wrong length', () => {
    const { privateKey } = x25519GenerateKeyPair();
    expect(channelErrorOf(() => x25519SharedSecret(privateKey, Buffer.alloc(31, 9))).code).toBe(
      ChannelErrorCode.BadPublicKey,
    );
  });
});

describe('PROTOCOL §2 handshake: client verification', () => {
  function runServer(key = identity.privateKey): {
    state: ReturnType<typeof clientHandshakeStart>['state'];
    response: HandshakeResponseWire;
  } {
    const { request, state } = clientHandshakeStart();
    const { response } = serverHandshake(parseHandshakeRequest(request), key, { expiresIn: 1800 });
    return { state, response };
  }

  it('client and server derive the same keys', () => {
    const { request, state } = clientHandshakeStart();
    const server = serverHandshake(parseHandshakeRequest(request), identity.privateKey, {
      expiresIn: 60,
    });
    const client = clientHandshakeFinish(state, server.response, identity.publicKey);
    expect(client.keys).toEqual(server.keys);
    expect(client.sessionId.equals(server.sessionId)).toBe(true);
    expect(client.expiresIn).toBe(60);
  });

  it('without injected randomness, serverNonce and sessionId are 16 fresh bytes each', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { request, state } = clientHandshakeStart();
      const server = serverHandshake(parseHandshakeRequest(request), identity.privateKey, {
        expiresIn: 60,
      });
      const serverNonce = b64uDecode(server.response.serverNonce, 'serverNonce', 16);
      expect(server.sessionId).toHaveLength(16);
      expect(server.response.sessionId).toBe(b64uEncode(server.sessionId));
      seen.add(server.response.serverNonce).add(server.response.sessionId);
      expect(serverNonce.equals(server.sessionId)).toBe(false);
      expect(clientHandshakeFinish(state, server.response, identity.publicKey).keys).toEqual(
        server.keys,
      );
    }
    expect(seen.size).toBe(100);
  });

  it('rejects a response signed by another key (bad_signature)', () => {
    const impostor = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { state, response } = runServer(impostor.privateKey);
    expect(
      handshakeErrorOf(() => clientHandshakeFinish(state, response, identity.publicKey)).reason,
    ).toBe('bad_signature');
  });

  it('rejects a response whose signed fields were altered (bad_signature)', () => {
    const { state, response } = runServer();
    const sessionId = b64uDecode(response.sessionId, 'sessionId', 16);
    sessionId[0] ^= 1;
    const altered = { ...response, sessionId: b64uEncode(sessionId) };
    expect(
      handshakeErrorOf(() => clientHandshakeFinish(state, altered, identity.publicKey)).reason,
    ).toBe('bad_signature');
  });

  it('rejects a signature that is not DER (bad_signature or malformed, never success)', () => {
    const { state, response } = runServer();
    const garbage = { ...response, signature: b64uEncode(randomBytes(64)) };
    expect(
      handshakeErrorOf(() => clientHandshakeFinish(state, garbage, identity.publicKey)).reason,
    ).toBe('bad_signature');
  });

  it('rejects another version (version) and malformed bodies (malformed)', () => {
    const { state, response } = runServer();
    const finish = (body: unknown): string =>
      handshakeErrorOf(() => clientHandshakeFinish(state, body, identity.publicKey)).reason;
    expect(finish({ ...response, version: 2 })).toBe('version');
    expect(finish(null)).toBe('malformed');
    expect(finish([])).toBe('malformed');
    expect(finish({ ...response, extra: true })).toBe('malformed');
    expect(finish({ ...response, sessionId: 'AAAA' })).toBe('malformed');
    expect(finish({ ...response, serverPublicKey: response.serverPublicKey + '=' })).toBe(
      'malformed',
    );
    expect(finish({ ...response, expiresIn: '1800' })).toBe('malformed');
    expect(finish({ ...response, expiresIn: 0 })).toBe('malformed');
    expect(finish({ ...response, signature: '' })).toBe('malformed');
  });

  it('buildSigned asserts its input lengths', () => {
    const k = randomBytes(32);
    const n = randomBytes(16);
    expect(() => buildSigned(k, k, n, n, randomBytes(15))).toThrow(RangeError);
    expect(() => buildSigned(k.subarray(1), k, n, n, n)).toThrow(RangeError);
  });
});

describe('PROTOCOL §4 fingerprint', () => {
  it('is the hex SHA-256 of the SPKI DER, the same for PEM, public and private key', () => {
    const pem = identity.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const fp = spkiFingerprint(identity.publicKey);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(spkiFingerprint(pem)).toBe(fp);
    expect(spkiFingerprint(identity.privateKey)).toBe(fp);
    expect(spkiFingerprint(createPublicKey(pem))).toBe(fp);
  });
});
