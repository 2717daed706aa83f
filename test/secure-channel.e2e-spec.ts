/**
 * DSS-SC1 over real HTTP (PROTOCOL.md §2, §3, §3.1, §3.2, §5), against the real employee API on
 * the database chosen by DSS_DATABASE_URL. Test-only sealed routes stand in for the operations.
 */
import { DssApiError, DssChannelError, DssClient, DssServerIdentityError } from '@dss/client';
import { ManualClock } from '@dss/common';
import {
  b64uEncode,
  clientHandshakeFinish,
  clientHandshakeStart,
  openResponse,
  sealRequest,
  SESSION_STORE,
  type SessionKeys,
  type SessionStore,
} from '@dss/secure-channel';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { startDss, type RunningDss } from './support/dss-server';
import { TestRoutesModule } from './support/test-routes.module';

interface RawSession {
  sessionId: Buffer;
  keys: SessionKeys;
}

async function rawHandshake(server: RunningDss): Promise<RawSession> {
  const { request: hello, state } = clientHandshakeStart();
  const res = await request(server.url).post('/v1/handshake').send(hello).expect(200);
  const { sessionId, keys } = clientHandshakeFinish(state, res.body, server.identity.publicKey);
  return { sessionId, keys };
}

function seal(s: RawSession, seq: number, path: string, body: object, method = 'POST') {
  return sealRequest(s.keys, s.sessionId, seq, method, path, Buffer.from(JSON.stringify(body)));
}

function openJson(s: RawSession, seq: number, status: number, body: unknown): unknown {
  const plaintext = openResponse(s.keys, s.sessionId, seq, status, body);
  if (plaintext === null) throw new Error('response did not authenticate');
  return JSON.parse(plaintext.toString('utf8'));
}

/** A channel error must be plain JSON with a stable code: never sealed, never a stack trace. */
function expectPlainError(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(res.body).not.toHaveProperty('payload');
  expect(res.text).not.toMatch(/\bat .*\(|Error:/);
}

describe('DSS-SC1 secure channel (e2e)', () => {
  const clock = new ManualClock(Date.now());
  let server: RunningDss;

  beforeAll(async () => {
    server = await startDss({
      clock,
      extraModules: [TestRoutesModule],
      env: {
        DSS_SESSION_TTL_SECONDS: '120',
        DSS_SESSION_IDLE_SECONDS: '60',
        DSS_MAX_BODY_BYTES: '65536',
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  describe('§2 handshake and §3 sealed round trip', () => {
    it('completes a handshake with the SDK and round-trips a sealed request', async () => {
      const client = new DssClient({
        baseUrl: server.url,
        serverPublicKey: server.identity.publicKeyPem,
      });
      await client.handshake();
      await expect(
        client.request('POST', '/v1/test/echo', { hello: 'world', n: 1 }),
      ).resolves.toEqual({
        echo: { hello: 'world', n: 1 },
        state: 'open',
      });
      // Concurrent requests on one session each get their own seq, and all succeed.
      const many = await Promise.all(
        Array.from({ length: 50 }, (_, i) => client.request('POST', '/v1/test/echo', { i })),
      );
      expect(many.map((r) => (r as { echo: { i: number } }).echo.i)).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
    });

    it('answers the handshake with the fields and lengths of §2', async () => {
      const { request: hello } = clientHandshakeStart();
      const res = await request(server.url).post('/v1/handshake').send(hello).expect(200);
      expect(Object.keys(res.body).sort()).toEqual([
        'expiresIn',
        'serverNonce',
        'serverPublicKey',
        'sessionId',
        'signature',
        'version',
      ]);
      expect(res.body.version).toBe(1);
      expect(res.body.expiresIn).toBe(120);
      expect(Buffer.from(res.body.sessionId, 'base64url')).toHaveLength(16);
      expect(Buffer.from(res.body.serverPublicKey, 'base64url')).toHaveLength(32);
    });

    it('refuses a server whose handshake is not signed by the pinned key, showing both fingerprints', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
        type: 'spki',
        format: 'pem',
      }) as string;
      const client = new DssClient({ baseUrl: server.url, serverPublicKey: other });
      const err: unknown = await client.handshake().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DssServerIdentityError);
      const identityError = err as DssServerIdentityError;
      expect(identityError.presentedFingerprint).toBe(server.identity.fingerprint);
      expect(identityError.expectedFingerprint).not.toBe(server.identity.fingerprint);
      expect(identityError.expectedFingerprint).toMatch(/^[0-9a-f]{64}$/);
    });

    it('seals application errors with their status, and hides unexpected ones behind a sealed 500', async () => {
      const s = await rawHandshake(server);
      const res = await request(server.url)
        .post('/v1/test/fail')
        .send(seal(s, 1, '/v1/test/fail', {}));
      expect(res.status).toBe(404);
      expect(res.body).toHaveProperty('payload');
      expect(openJson(s, 1, 404, res.body)).toEqual({
        error: { code: 'no_key', message: 'no active key pair' },
      });

      const crash = await request(server.url)
        .post('/v1/test/crash')
        .send(seal(s, 2, '/v1/test/crash', {}));
      expect(crash.status).toBe(500);
      expect(openJson(s, 2, 500, crash.body)).toEqual({
        error: { code: 'internal_error', message: 'internal error' },
      });
    });

    it.each<[string, Buffer]>([
      ['a JSON array', Buffer.from('[]')],
      ['a JSON string', Buffer.from('"x"')],
      ['text that is not JSON', Buffer.from('hello')],
      ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ])(
      'answers an authenticated plaintext that is %s with a sealed 400 invalid_request',
      async (_name, plaintext) => {
        const s = await rawHandshake(server);
        const body = sealRequest(s.keys, s.sessionId, 1, 'POST', '/v1/test/echo', plaintext);
        const res = await request(server.url).post('/v1/test/echo').send(body);
        expect(res.status).toBe(400);
        expect(openJson(s, 1, 400, res.body)).toEqual({
          error: { code: 'invalid_request', message: expect.any(String) },
        });
      },
    );

    it('binds the status into the AAD: a response opened under another status fails', async () => {
      const s = await rawHandshake(server);
      const res = await request(server.url)
        .post('/v1/test/echo')
        .send(seal(s, 1, '/v1/test/echo', {}));
      expect(res.status).toBe(200);
      expect(openResponse(s.keys, s.sessionId, 1, 201, res.body)).toBeNull();
    });

    it('checks the session state before the route: 401 not_authenticated, sealed', async () => {
      const client = new DssClient({
        baseUrl: server.url,
        serverPublicKey: server.identity.publicKeyPem,
      });
      await client.handshake();
      const err = await client.request('POST', '/v1/test/secret', {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DssApiError);
      expect(err).toMatchObject({ status: 401, code: 'not_authenticated' });
    });
  });

  describe('§3.1 replay window', () => {
    it('answers a replayed seq with a plain 409 replayed and does not re-send the answer', async () => {
      const s = await rawHandshake(server);
      const body = seal(s, 1, '/v1/test/echo', { a: 1 });
      await request(server.url).post('/v1/test/echo').send(body).expect(200);
      const again = await request(server.url).post('/v1/test/echo').send(body);
      expectPlainError(again, 409, 'replayed');
    });

    it('accepts out-of-order seqs inside the window and refuses seq <= H - W', async () => {
      const s = await rawHandshake(server);
      for (const seq of [5, 3, 4, 1, 2000, 1500, 977]) {
        const res = await request(server.url)
          .post('/v1/test/echo')
          .send(seal(s, seq, '/v1/test/echo', { seq }));
        expect(res.status).toBe(200);
        expect(openJson(s, seq, 200, res.body)).toEqual({ echo: { seq }, state: 'open' });
      }
      // H = 2000, W = 1024: 976 is at H - W, never seen, and still refused.
      const old = await request(server.url)
        .post('/v1/test/echo')
        .send(seal(s, 976, '/v1/test/echo', {}));
      expectPlainError(old, 409, 'replayed');
      const replay = await request(server.url)
        .post('/v1/test/echo')
        .send(seal(s, 1500, '/v1/test/echo', {}));
      expectPlainError(replay, 409, 'replayed');
    });

    it('refuses a tampered payload or tag with decrypt_failed and leaves the window unchanged', async () => {
      const s = await rawHandshake(server);
      const good = seal(s, 7, '/v1/test/echo', { ok: true });
      const bytes = Buffer.from(good.payload, 'base64url');
      const flippedCiphertext = Buffer.from(bytes);
      flippedCiphertext[0] ^= 0x01;
      const flippedTag = Buffer.from(bytes);
      flippedTag[flippedTag.length - 1] ^= 0x80;
      for (const bad of [flippedCiphertext, flippedTag]) {
        const res = await request(server.url)
          .post('/v1/test/echo')
          .send({ ...good, payload: b64uEncode(bad) });
        expectPlainError(res, 400, 'decrypt_failed');
      }
      // seq 7 was never accepted: the genuine request with the same seq goes through.
      const res = await request(server.url).post('/v1/test/echo').send(good);
      expect(res.status).toBe(200);
      expect(openJson(s, 7, 200, res.body)).toEqual({ echo: { ok: true }, state: 'open' });
    });

    it('refuses a sealed body sent to another path (AAD binds method and path)', async () => {
      const s = await rawHandshake(server);
      const body = seal(s, 1, '/v1/test/echo', {});
      expectPlainError(
        await request(server.url).post('/v1/test/fail').send(body),
        400,
        'decrypt_failed',
      );
      // …and the window did not move: the same seq still works where it belongs.
      await request(server.url).post('/v1/test/echo').send(body).expect(200);
    });
  });

  describe('§3.2 sessions', () => {
    it('answers an unknown session with 401 unknown_session', async () => {
      const s = await rawHandshake(server);
      const body = seal({ ...s, sessionId: Buffer.alloc(16, 7) }, 1, '/v1/test/echo', {});
      expectPlainError(
        await request(server.url).post('/v1/test/echo').send(body),
        401,
        'unknown_session',
      );
    });

    it('expires a session after its absolute lifetime', async () => {
      const s = await rawHandshake(server);
      for (let i = 1; i <= 3; i++) {
        clock.advance(45_000); // stays under the idle timeout by using the session every 45 s
        const res = await request(server.url)
          .post('/v1/test/echo')
          .send(seal(s, i, '/v1/test/echo', {}));
        expect(res.status).toBe(i < 3 ? 200 : 401);
        if (i === 3) expectPlainError(res, 401, 'session_expired');
      }
    });

    it('expires an idle session', async () => {
      const s = await rawHandshake(server);
      await request(server.url)
        .post('/v1/test/echo')
        .send(seal(s, 1, '/v1/test/echo', {}))
        .expect(200);
      clock.advance(61_000);
      expectPlainError(
        await request(server.url)
          .post('/v1/test/echo')
          .send(seal(s, 2, '/v1/test/echo', {})),
        401,
        'session_expired',
      );
      // Once reported, the session is gone.
      expectPlainError(
        await request(server.url)
          .post('/v1/test/echo')
          .send(seal(s, 3, '/v1/test/echo', {})),
        401,
        'unknown_session',
      );
    });
  });

  describe('§3.2 malformed input', () => {
    let s: RawSession;
    let valid: { sessionId: string; seq: number; payload: string };
    beforeAll(async () => {
      s = await rawHandshake(server);
      valid = seal(s, 1, '/v1/test/echo', {});
    });

    const post = (body: string | object, type = 'application/json') =>
      request(server.url)
        .post('/v1/test/echo')
        .set('Content-Type', type)
        .send(typeof body === 'string' ? body : JSON.stringify(body));

    it.each([
      ['non-JSON', '{"sessionId":'],
      ['a JSON array', '[]'],
      ['a JSON string', '"x"'],
      ['null', 'null'],
      ['an empty object', '{}'],
    ])('refuses %s with bad_envelope', async (_name, body) => {
      expectPlainError(await post(body), 400, 'bad_envelope');
    });

    it('refuses a body that is not JSON-typed', async () => {
      expectPlainError(await post(JSON.stringify(valid), 'text/plain'), 400, 'bad_envelope');
    });

    it.each<[string, (v: Record<string, unknown>) => void]>([
      ['missing sessionId', (v) => delete v.sessionId],
      ['missing seq', (v) => delete v.seq],
      ['missing payload', (v) => delete v.payload],
      ['an extra field', (v) => (v.extra = 1)],
      ['sessionId of a number', (v) => (v.sessionId = 5)],
      ['sessionId with padding', (v) => (v.sessionId = `${String(v.sessionId)}==`)],
      ['sessionId in standard base64', (v) => (v.sessionId = '+/+/+/+/+/+/+/+/+/+/+w')],
      ['sessionId of 15 bytes', (v) => (v.sessionId = b64uEncode(Buffer.alloc(15)))],
      ['sessionId of 17 bytes', (v) => (v.sessionId = b64uEncode(Buffer.alloc(17)))],
      ['payload shorter than a tag', (v) => (v.payload = b64uEncode(Buffer.alloc(8)))],
      ['payload with invalid characters', (v) => (v.payload = 'abc$def')],
      ['seq of 0', (v) => (v.seq = 0)],
      ['a negative seq', (v) => (v.seq = -1)],
      ['a fractional seq', (v) => (v.seq = 1.5)],
      ['seq above 2^53 - 1', (v) => (v.seq = 2 ** 53)],
      ['seq as a string', (v) => (v.seq = '1')],
      ['seq of null', (v) => (v.seq = null)],
    ])('refuses %s with bad_envelope', async (_name, mutate) => {
      const body: Record<string, unknown> = { ...valid };
      mutate(body);
      expectPlainError(await post(body), 400, 'bad_envelope');
    });

    it('refuses seq 2^53 written out as an integer literal', async () => {
      expectPlainError(
        await post(
          `{"sessionId":"${valid.sessionId}","seq":9007199254740993,"payload":"${valid.payload}"}`,
        ),
        400,
        'bad_envelope',
      );
    });

    it('answers an oversize body with 413 payload_too_large', async () => {
      expectPlainError(
        await post({ ...valid, payload: 'A'.repeat(70_000) }),
        413,
        'payload_too_large',
      );
    });

    it('refuses handshake version 2 with unsupported_version', async () => {
      const { request: hello } = clientHandshakeStart();
      expectPlainError(
        await request(server.url)
          .post('/v1/handshake')
          .send({ ...hello, version: 2 }),
        400,
        'unsupported_version',
      );
    });

    it('refuses a 31-byte and an all-zero client key with bad_public_key', async () => {
      const { request: hello } = clientHandshakeStart();
      for (const key of [Buffer.alloc(31, 9), Buffer.alloc(32)]) {
        const res = await request(server.url)
          .post('/v1/handshake')
          .send({ ...hello, clientPublicKey: b64uEncode(key) });
        expectPlainError(res, 400, 'bad_public_key');
      }
    });

    it.each<[string, unknown]>([
      ['an array', []],
      ['a missing nonce', { version: 1, clientPublicKey: b64uEncode(Buffer.alloc(32, 1)) }],
      [
        'a 15-byte nonce',
        {
          version: 1,
          clientPublicKey: b64uEncode(Buffer.alloc(32, 1)),
          clientNonce: b64uEncode(Buffer.alloc(15)),
        },
      ],
      [
        'a version string',
        {
          version: '1',
          clientPublicKey: b64uEncode(Buffer.alloc(32, 1)),
          clientNonce: b64uEncode(Buffer.alloc(16)),
        },
      ],
    ])('refuses a handshake with %s with bad_envelope', async (_name, body) => {
      expectPlainError(
        await request(server.url)
          .post('/v1/handshake')
          .send(body as object),
        400,
        'bad_envelope',
      );
    });

    it('answers an unknown route with a plain 404, not a 500', async () => {
      expectPlainError(await request(server.url).post('/v1/nope').send(valid), 404, 'not_found');
    });
  });

  describe('§5 public routes', () => {
    it('serves the server key and the health probes', async () => {
      const key = await request(server.url).get('/v1/server-key').expect(200);
      expect(key.body).toEqual({
        publicKey: server.identity.publicKeyPem,
        fingerprint: server.identity.fingerprint,
      });
      await request(server.url).get('/healthz').expect(200, { status: 'ok' });
      const ready = await request(server.url).get('/readyz').expect(200);
      expect(ready.body).toEqual({
        status: 'ready',
        database: server.config.databaseEngine,
        sessions: server.config.redisUrl === undefined ? 'memory' : 'redis',
      });
    });
  });
});

describe('DSS-SC1 limits (e2e)', () => {
  it('throttles handshakes per client with 429 rate_limited and Retry-After', async () => {
    const server = await startDss({ env: { DSS_HANDSHAKE_RATE_LIMIT: '6' } });
    try {
      const statuses: number[] = [];
      let limited: request.Response | undefined;
      for (let i = 0; i < 4; i++) {
        const res = await request(server.url)
          .post('/v1/handshake')
          .send(clientHandshakeStart().request);
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses[0]).toBe(200);
      expect(limited).toBeDefined();
      expect(limited!.body.error.code).toBe('rate_limited');
      expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('bounds the number of live sessions', async () => {
    const server = await startDss({ env: { DSS_MAX_SESSIONS: '3' } });
    try {
      for (let i = 0; i < 3; i++) {
        await request(server.url)
          .post('/v1/handshake')
          .send(clientHandshakeStart().request)
          .expect(200);
      }
      const res = await request(server.url)
        .post('/v1/handshake')
        .send(clientHandshakeStart().request);
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('rate_limited');
    } finally {
      await server.close();
    }
  });

  it('reports channel errors to the SDK as DssChannelError with the server code', async () => {
    const server = await startDss({ extraModules: [TestRoutesModule] });
    try {
      const client = new DssClient({
        baseUrl: server.url,
        serverPublicKey: server.identity.publicKeyPem,
      });
      await client.handshake();
      await server.app.get<symbol, SessionStore>(SESSION_STORE).destroy(client.sessionId!);
      const err = await client.request('POST', '/v1/test/echo', {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DssChannelError);
      expect(err).toMatchObject({ status: 401, code: 'unknown_session' });
    } finally {
      await server.close();
    }
  });
});
