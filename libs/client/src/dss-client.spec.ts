import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import {
  b64uEncode,
  openRequest,
  parseHandshakeRequest,
  parseSealedRequest,
  sealResponse,
  serverHandshake,
  type SessionKeys,
} from '@dss/secure-channel/protocol';
import {
  DssApiError,
  DssChannelError,
  DssClient,
  DssError,
  DssNetworkError,
  DssProtocolError,
  DssServerIdentityError,
  spkiFingerprint,
} from '.';

/* The SDK against the golden vectors (PROTOCOL.md §2, §3) and against an
 * in-process fake server built from the protocol functions. The real HTTP server
 * is exercised by the e2e suites. */

interface VectorRecord {
  direction: 'c2s' | 's2c';
  method?: string;
  path?: string;
  status?: number;
  seq: number;
  plaintext: string;
  body: { sessionId?: string; seq: number; payload: string };
}
interface VectorFile {
  inputs: Record<string, string>;
  handshake: {
    request: object;
    response: { sessionId: string };
    [field: string]: unknown;
  } & Record<'k_c2s' | 'k_s2c' | 'iv_c2s' | 'iv_s2c', string>;
  records: VectorRecord[];
}

const vectors = JSON.parse(
  readFileSync(resolve(__dirname, '../../../docs/protocol/protocol-vectors.json'), 'utf8'),
) as VectorFile;
const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const BASE = 'http://dss.test';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function urlOf(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function record(init: RequestInit | undefined, input: string | URL | Request): Call {
  return {
    method: init?.method ?? 'GET',
    url: urlOf(input),
    headers: Object.fromEntries(new Headers(init?.headers).entries()),
    body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
  };
}

/** Randomness that replays the vector's esk_C (32 bytes) and clientNonce (16 bytes). */
function vectorRandomBytes(n: number): Buffer {
  if (n === 32) return hex(vectors.inputs.clientEphemeralPrivateKey);
  if (n === 16) return hex(vectors.inputs.clientNonce);
  throw new Error(`unexpected randomBytes(${n})`);
}

type Handler = (
  method: string,
  path: string,
  body: Record<string, unknown>,
  seq: number,
) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

/** A minimal DSS-SC1 server over the protocol functions, as a fetch implementation. */
function fakeServer(
  handler: Handler,
  identity = generateKeyPairSync('ec', { namedCurve: 'P-256' }),
) {
  const sessions = new Map<string, { id: Buffer; keys: SessionKeys }>();
  const seqs: number[] = [];
  const calls: Call[] = [];
  const pem = identity.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const fetchImpl = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const call = record(init, input);
    calls.push(call);
    const path = new URL(call.url).pathname;
    if (path === '/v1/handshake') {
      const r = serverHandshake(parseHandshakeRequest(call.body), identity.privateKey, {
        expiresIn: 1800,
      });
      sessions.set(r.response.sessionId, { id: r.sessionId, keys: r.keys });
      return jsonResponse(200, r.response);
    }
    if (path === '/v1/server-key') {
      return jsonResponse(200, { publicKey: pem, fingerprint: spkiFingerprint(pem) });
    }
    const env = parseSealedRequest(call.body);
    const session = sessions.get(b64uEncode(env.sessionId));
    if (!session) {
      return jsonResponse(401, { error: { code: 'unknown_session', message: 'no such session' } });
    }
    const plaintext = openRequest(
      session.keys,
      env.sessionId,
      env.seq,
      call.method,
      path,
      env.payload,
    );
    if (!plaintext) {
      return jsonResponse(400, { error: { code: 'decrypt_failed', message: 'bad tag' } });
    }
    seqs.push(env.seq);
    const out = await handler(call.method, path, JSON.parse(plaintext.toString('utf8')), env.seq);
    const sealed = sealResponse(
      session.keys,
      session.id,
      env.seq,
      out.status,
      Buffer.from(JSON.stringify(out.body), 'utf8'),
    );
    return jsonResponse(out.status, sealed);
  };
  return { fetch: jest.fn(fetchImpl), seqs, calls, identity, pem, sessions };
}

function clientFor(
  fetchImpl: typeof fetch,
  serverPublicKey: string | KeyObject,
  timeoutMs?: number,
) {
  return new DssClient({ baseUrl: `${BASE}/`, serverPublicKey, fetch: fetchImpl, timeoutMs });
}

describe('DssClient against the PROTOCOL §2/§3 vectors', () => {
  const c2s = vectors.records.filter((r) => r.direction === 'c2s');
  const s2c = vectors.records.filter((r) => r.direction === 's2c');

  function vectorFetch(calls: Call[]) {
    const answer = (input: string | URL | Request, init?: RequestInit): Response => {
      const call = record(init, input);
      calls.push(call);
      const path = new URL(call.url).pathname;
      if (path === '/v1/handshake') return jsonResponse(200, vectors.handshake.response);
      const body = call.body as { seq: number };
      const vectorAnswer = s2c.find((r) => r.seq === body.seq);
      if (vectorAnswer) return jsonResponse(vectorAnswer.status!, vectorAnswer.body);
      return jsonResponse(
        200,
        sealResponse(vectorKeys(), hex(vectors.inputs.sessionId), body.seq, 200, Buffer.from('{}')),
      );
    };
    return jest.fn((input: string | URL | Request, init?: RequestInit) =>
      Promise.resolve(answer(input, init)),
    );
  }

  function vectorKeys(): SessionKeys {
    return {
      k_c2s: hex(vectors.handshake.k_c2s),
      k_s2c: hex(vectors.handshake.k_s2c),
      iv_c2s: hex(vectors.handshake.iv_c2s),
      iv_s2c: hex(vectors.handshake.iv_s2c),
    };
  }

  it('sends the vector handshake request and records, and opens the vector responses', async () => {
    const calls: Call[] = [];
    const client = new DssClient({
      baseUrl: BASE,
      serverPublicKey: vectors.inputs.serverSigningPublicKeyPem,
      fetch: vectorFetch(calls),
      randomBytes: vectorRandomBytes,
    });
    expect(client.hasSession).toBe(false);
    await client.handshake();
    expect(client.hasSession).toBe(true);
    expect(client.sessionId).toBe(vectors.handshake.response.sessionId);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: `${BASE}/v1/handshake`,
      body: vectors.handshake.request,
    });
    expect(calls[0].headers['content-type']).toBe('application/json');

    // seq 1: login, answered 200.
    const login = JSON.parse(c2s[0].plaintext);
    await expect(client.login(login.username, login.password)).resolves.toEqual(
      JSON.parse(s2c[0].plaintext),
    );
    expect(calls[1]).toMatchObject({
      method: 'POST',
      url: `${BASE}${c2s[0].path}`,
      body: c2s[0].body,
    });

    // seq 2..6, then seq 7: a digest signature, answered with a sealed 404 no_key.
    for (let i = 2; i <= 6; i++) await client.request('POST', '/v1/test', {});
    const digest = Buffer.from(JSON.parse(c2s[1].plaintext).digest, 'base64url');
    const err = await client.sign({ digest }).catch((e: unknown) => e);
    expect(calls[7]).toMatchObject({
      method: 'POST',
      url: `${BASE}${c2s[1].path}`,
      body: c2s[1].body,
    });
    expect(err).toBeInstanceOf(DssApiError);
    expect(err).toMatchObject({ status: 404, code: 'no_key', message: 'no active key pair' });
  });

  it('refuses a vector response whose status was changed in transit', async () => {
    const client = new DssClient({
      baseUrl: BASE,
      serverPublicKey: vectors.inputs.serverSigningPublicKeyPem,
      randomBytes: vectorRandomBytes,
      fetch: jest.fn(async (input: string | URL | Request, init?: RequestInit) => {
        const path = new URL(urlOf(input)).pathname;
        if (path === '/v1/handshake') return jsonResponse(200, vectors.handshake.response);
        expect(record(init, input).body).toEqual(c2s[0].body);
        return Promise.resolve(jsonResponse(201, s2c[0].body)); // sealed for 200
      }),
    });
    const login = JSON.parse(c2s[0].plaintext);
    const err = await client.login(login.username, login.password).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssProtocolError);
  });
});

describe('DssClient: §3 seq counter', () => {
  it('gives 1000 concurrent requests 1000 distinct seqs, 1..1000, each answered correctly', async () => {
    const server = fakeServer(async (_m, _p, body, seq) => {
      // Answer out of order.
      await new Promise((r) => setTimeout(r, seq % 7));
      return { status: 200, body: { echo: body.i, seq } };
    });
    const client = clientFor(server.fetch, server.pem);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        client.request<{ echo: number; seq: number }>('POST', '/v1/test/echo', { i }),
      ),
    );
    expect(results.map((r) => r.echo)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(new Set(server.seqs).size).toBe(1000);
    expect([...server.seqs].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    // The requests without a session shared one handshake.
    expect(server.calls.filter((c) => c.url.endsWith('/v1/handshake'))).toHaveLength(1);
  });

  it('restarts seq at 1 after a new handshake', async () => {
    const server = fakeServer((_m, _p, _b, seq) => ({ status: 200, body: { seq } }));
    const client = clientFor(server.fetch, server.pem);
    await client.handshake();
    await client.request('POST', '/v1/a', {});
    await client.request('POST', '/v1/a', {});
    const first = client.sessionId;
    await client.handshake();
    expect(client.sessionId).not.toBe(first);
    await expect(client.request('POST', '/v1/a')).resolves.toEqual({ seq: 1 });
  });
});

describe('DssClient: typed operations (§4, §5)', () => {
  const identity = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const seen: { method: string; path: string; body: Record<string, unknown> }[] = [];
  const document = Buffer.from('hello, DSS');
  const digest = createHash('sha256').update(document).digest();
  const keyInfo = {
    keyId: 'k1',
    algorithm: 'ecdsa-p256',
    publicKey: 'PEM',
    fingerprint: 'f'.repeat(64),
    createdAt: '2024-01-01T00:00:00.000Z',
  };
  const server = fakeServer((method, path, body) => {
    seen.push({ method, path, body });
    switch (`${method} ${path}`) {
      case 'POST /v1/auth/login':
        return { status: 200, body: { username: body.username, mustChangePassword: true } };
      case 'POST /v1/auth/password':
        return { status: 200, body: { changed: true } };
      case 'POST /v1/keys':
        return { status: 201, body: keyInfo };
      case 'POST /v1/keys/public':
        return { status: 200, body: { username: body.username ?? 'alice', ...keyInfo } };
      case 'POST /v1/signatures':
        return {
          status: 200,
          body: {
            keyId: 'k1',
            algorithm: 'ecdsa-p256-sha256',
            digest: b64uEncode(digest),
            signature: b64uEncode(Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])),
            encoding: body.encoding ?? 'der',
          },
        };
      case 'DELETE /v1/keys':
        return { status: 200, body: { keyId: 'k1', deleted: true } };
      case 'POST /v1/auth/logout':
        return { status: 200, body: { loggedOut: true } };
      default:
        return { status: 404, body: { error: { code: 'not_found', message: 'no route' } } };
    }
  }, identity);
  const client = clientFor(server.fetch, identity.publicKey);

  it('sends each operation to its route with its body and returns the result', async () => {
    await expect(client.login('alice', 'pw')).resolves.toEqual({
      username: 'alice',
      mustChangePassword: true,
    });
    await expect(client.changePassword('pw', 'a much better password')).resolves.toEqual({
      changed: true,
    });
    await expect(client.createKeys()).resolves.toEqual(keyInfo);
    await client.createKeys('ecdsa-p256');
    await expect(client.getPublicKey()).resolves.toMatchObject({ username: 'alice' });
    await expect(client.getPublicKey('bob')).resolves.toMatchObject({ username: 'bob' });
    await expect(client.deleteKeys()).resolves.toEqual({ keyId: 'k1', deleted: true });
    expect(seen.map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/v1/auth/login', { username: 'alice', password: 'pw' }],
      [
        'POST',
        '/v1/auth/password',
        { currentPassword: 'pw', newPassword: 'a much better password' },
      ],
      ['POST', '/v1/keys', {}],
      ['POST', '/v1/keys', { algorithm: 'ecdsa-p256' }],
      ['POST', '/v1/keys/public', {}],
      ['POST', '/v1/keys/public', { username: 'bob' }],
      ['DELETE', '/v1/keys', {}],
    ]);
  });

  it('sign: b64u-encodes the input and decodes digest and signature', async () => {
    seen.length = 0;
    const result = await client.sign({ document }, 'p1363');
    expect(seen[0].body).toEqual({ document: b64uEncode(document), encoding: 'p1363' });
    expect(result.digest.equals(digest)).toBe(true);
    expect(result.signature).toHaveLength(8);
    expect(result.encoding).toBe('p1363');
    expect(result.raw.digest).toBe(b64uEncode(digest));
    await client.sign({ digest: new Uint8Array(digest) });
    expect(seen[1].body).toEqual({ digest: b64uEncode(digest) });
    await expect(client.sign({} as never)).rejects.toThrow(TypeError);
    await expect(client.sign({ document, digest } as never)).rejects.toThrow(TypeError);
  });

  it('key lifecycle methods check their input before anything is sent', async () => {
    const before = seen.length;
    expect(() => client.getPublicKey(undefined, { keyId: 'k', at: new Date() })).toThrow(
      'at most one of keyId and at',
    );
    expect(() => client.getPublicKey(undefined, { at: 'not a time' })).toThrow(TypeError);
    await expect(client.signBatch([])).rejects.toThrow('at least one digest');
    await expect(client.signBatch(['x' as unknown as Uint8Array])).rejects.toThrow(TypeError);
    expect(seen.length).toBe(before);
  });

  it('serverKey returns the advertised key', async () => {
    await expect(client.serverKey()).resolves.toEqual({
      publicKey: server.pem,
      fingerprint: spkiFingerprint(identity.publicKey),
    });
  });

  it('logout forgets the session', async () => {
    expect(client.hasSession).toBe(true);
    await expect(client.logout()).resolves.toEqual({ loggedOut: true });
    expect(client.hasSession).toBe(false);
    expect(client.sessionId).toBeUndefined();
  });

  it('refuses a sealed GET (fetch cannot send its body)', async () => {
    await expect(client.request('GET', '/v1/keys')).rejects.toThrow(TypeError);
  });
});

describe('DssClient: errors', () => {
  const identity = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = identity.publicKey.export({ format: 'pem', type: 'spki' }).toString();

  it('connection refused → DssNetworkError unreachable', async () => {
    const refused = jest.fn(() => {
      const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), {
        code: 'ECONNREFUSED',
      });
      return Promise.reject(new TypeError('fetch failed', { cause }));
    });
    const err = await clientFor(refused, pem)
      .handshake()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssNetworkError);
    expect(err).toBeInstanceOf(DssError);
    expect(err).toMatchObject({ kind: 'unreachable', code: 'network_unreachable' });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('no answer within timeoutMs → DssNetworkError timeout', async () => {
    const hang = jest.fn(
      (_input: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
        }),
    );
    const err = await clientFor(hang, pem, 50)
      .handshake()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssNetworkError);
    expect(err).toMatchObject({ kind: 'timeout', code: 'network_timeout' });
  });

  describe('with the real fetch over loopback', () => {
    async function listen(server: Server): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    const close = (server: Server) =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });

    it('a closed port → unreachable (ECONNREFUSED)', async () => {
      const server = createServer();
      const baseUrl = await listen(server);
      await close(server);
      const err = await new DssClient({ baseUrl, serverPublicKey: pem })
        .handshake()
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'unreachable' });
      expect((err as Error).message).toContain('ECONNREFUSED');
    });

    it('a server that never answers → timeout', async () => {
      const server = createServer(() => undefined);
      const baseUrl = await listen(server);
      try {
        const err = await new DssClient({ baseUrl, serverPublicKey: pem, timeoutMs: 100 })
          .handshake()
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DssNetworkError);
        expect(err).toMatchObject({ kind: 'timeout' });
      } finally {
        await close(server);
      }
    });
  });

  it('a non-JSON body → DssProtocolError', async () => {
    const html = jest.fn(() =>
      Promise.resolve(new Response('<html>502 Bad Gateway</html>', { status: 502 })),
    );
    const err = await clientFor(html, pem)
      .handshake()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssProtocolError);
    expect((err as Error).message).toMatch(/not a DSS server answer/);
  });

  it('JSON of an unexpected shape → DssProtocolError', async () => {
    const server = fakeServer(() => ({ status: 200, body: {} }), identity);
    const client = clientFor(server.fetch, pem);
    await client.handshake();
    server.fetch.mockImplementationOnce(() =>
      Promise.resolve(jsonResponse(200, { hello: 'world' })),
    );
    await expect(client.request('POST', '/v1/x', {})).rejects.toBeInstanceOf(DssProtocolError);
  });

  it('a plain 401 unknown_session → DssChannelError with the code; the session is forgotten', async () => {
    const server = fakeServer(() => ({ status: 200, body: {} }), identity);
    const client = clientFor(server.fetch, pem);
    await client.handshake();
    server.sessions.clear();
    const err = await client.request('POST', '/v1/x', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssChannelError);
    expect(err).toMatchObject({ status: 401, code: 'unknown_session', message: 'no such session' });
    expect(client.hasSession).toBe(false);
  });

  it('a plain 429 rate_limited → DssChannelError with retryAfterSeconds', async () => {
    const limited = jest.fn(() =>
      Promise.resolve(
        jsonResponse(
          429,
          { error: { code: 'rate_limited', message: 'slow down' } },
          { 'retry-after': '7' },
        ),
      ),
    );
    const err = await clientFor(limited, pem)
      .handshake()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssChannelError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 7 });
  });

  it('a sealed error → DssApiError with details and retryAfterSeconds', async () => {
    const server = fakeServer(
      () => ({
        status: 429,
        body: { error: { code: 'too_many_attempts', message: 'locked', retryAfterSeconds: 30 } },
      }),
      identity,
    );
    const err = await clientFor(server.fetch, pem)
      .login('alice', 'nope')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssApiError);
    expect(err).toMatchObject({
      status: 429,
      code: 'too_many_attempts',
      message: 'locked',
      retryAfterSeconds: 30,
      details: { retryAfterSeconds: 30 },
    });
  });

  it('a sealed status ≥ 400 without an error object is still a DssApiError', async () => {
    const server = fakeServer(() => ({ status: 500, body: {} }), identity);
    const err = await clientFor(server.fetch, pem)
      .request('POST', '/v1/x', {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssApiError);
    expect(err).toMatchObject({ status: 500 });
  });

  it('a tampered sealed response or one for another seq → DssProtocolError', async () => {
    const server = fakeServer(() => ({ status: 200, body: { ok: true } }), identity);
    const client = clientFor(server.fetch, pem);
    await client.handshake();
    const real = server.fetch.getMockImplementation()!;
    server.fetch.mockImplementationOnce(async (input, init) => {
      const res = (await (await real(input, init)).json()) as { seq: number; payload: string };
      const bytes = Buffer.from(res.payload, 'base64url');
      bytes[0] ^= 1;
      return jsonResponse(200, { seq: res.seq, payload: b64uEncode(bytes) });
    });
    await expect(client.request('POST', '/v1/x', {})).rejects.toBeInstanceOf(DssProtocolError);
    server.fetch.mockImplementationOnce(async (input, init) => {
      const res = (await (await real(input, init)).json()) as { seq: number; payload: string };
      return jsonResponse(200, { seq: res.seq + 1, payload: res.payload });
    });
    await expect(client.request('POST', '/v1/x', {})).rejects.toBeInstanceOf(DssProtocolError);
    await expect(client.request('POST', '/v1/x', {})).resolves.toEqual({ ok: true });
  });

  it('a handshake signed by another key → DssServerIdentityError with both fingerprints', async () => {
    const impostor = fakeServer(() => ({ status: 200, body: {} }));
    const err = await clientFor(impostor.fetch, pem)
      .handshake()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssServerIdentityError);
    expect(err).toMatchObject({
      code: 'server_identity_mismatch',
      expectedFingerprint: spkiFingerprint(pem),
      presentedFingerprint: spkiFingerprint(impostor.identity.publicKey),
    });
  });

  it('presentedFingerprint is undefined when GET /v1/server-key fails', async () => {
    const impostor = fakeServer(() => ({ status: 200, body: {} }));
    const real = impostor.fetch.getMockImplementation()!;
    impostor.fetch.mockImplementation(async (input, init) => {
      if (urlOf(input).endsWith('/v1/server-key')) throw new TypeError('fetch failed');
      return await real(input, init);
    });
    const client = clientFor(impostor.fetch, createPublicKey(pem));
    const err = await client.handshake().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssServerIdentityError);
    expect((err as DssServerIdentityError).presentedFingerprint).toBeUndefined();
    expect(client.hasSession).toBe(false);
  });

  it('a malformed handshake response → DssProtocolError', async () => {
    const bad = jest.fn(() => Promise.resolve(jsonResponse(200, { version: 1 })));
    await expect(clientFor(bad, pem).handshake()).rejects.toBeInstanceOf(DssProtocolError);
  });

  it('validates its options', () => {
    expect(() => new DssClient({ baseUrl: 'nope', serverPublicKey: pem })).toThrow(TypeError);
    expect(() => new DssClient({ baseUrl: 'ftp://x', serverPublicKey: pem })).toThrow(TypeError);
    expect(() => new DssClient({ baseUrl: BASE, serverPublicKey: 'not a pem' })).toThrow(TypeError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(() => new DssClient({ baseUrl: BASE, serverPublicKey: rsa })).toThrow(TypeError);
    expect(() => new DssClient({ baseUrl: BASE, serverPublicKey: pem, timeoutMs: 0 })).toThrow(
      TypeError,
    );
    // A private key is accepted as the pin (its public half is used).
    const c = new DssClient({ baseUrl: BASE, serverPublicKey: identity.privateKey });
    expect(c.serverFingerprint).toBe(spkiFingerprint(pem));
  });

  it('keeps session keys out of inspection and JSON', async () => {
    const server = fakeServer(() => ({ status: 200, body: {} }), identity);
    const client = clientFor(server.fetch, pem);
    await client.handshake();
    expect(JSON.stringify(client)).toBe('{}');
  });
});
