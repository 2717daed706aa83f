/**
 * The hot routes' dispatch (handshake, SignDoc) against the Nest routes it stands in for: the same
 * method, path, state and status as the controllers; really used for the SDK's requests; and
 * the same answers, byte for byte where they are deterministic, for good and bad requests alike.
 */
import { AccountsService } from '@dss/accounts';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import {
  clientHandshakeFinish,
  clientHandshakeStart,
  openResponse,
  PUBLIC_ROUTE,
  SEALED_ROUTE,
  type SealedOptions,
  SecureChannelInterceptor,
  sealRequest,
  type SessionKeys,
} from '@dss/secure-channel';
import { type Request } from 'express';
import { createPublicKey, verify } from 'node:crypto';
import request from 'supertest';
import { HandshakeController } from '../apps/dss/src/handshake/handshake.controller';
import { dssHotRoutes } from '../apps/dss/src/hot-routes';
import { SigningController } from '../apps/dss/src/signing/signing.controller';
import { createValidationPipe } from '../apps/dss/src/validation';
import { startDss, type RunningDss } from './support/dss-server';

const PASSWORD = 'hot-route parity password 1';

/** What a caller sees of one answer: status, the headers that matter, and the (opened) body. */
interface Seen {
  status: number;
  type: string | undefined;
  cacheControl: string | undefined;
  retryAfter: string | undefined;
  sealed: boolean;
  body: unknown;
}

/** A raw DSS-SC1 client that can send anything, including what the SDK never would. */
class RawSession {
  seq = 0;
  private constructor(
    private readonly server: RunningDss,
    readonly sessionId: Buffer,
    readonly keys: SessionKeys,
  ) {}

  static async open(server: RunningDss): Promise<RawSession> {
    const { request: hello, state } = clientHandshakeStart();
    const res = await request(server.url).post('/v1/handshake').send(hello).expect(200);
    const { sessionId, keys } = clientHandshakeFinish(state, res.body, server.identity.publicKey);
    return new RawSession(server, sessionId, keys);
  }

  envelope(path: string, body: unknown, seq = ++this.seq, method = 'POST') {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return sealRequest(this.keys, this.sessionId, seq, method, path, Buffer.from(text, 'utf8'));
  }

  /** Sends `body` sealed (or `envelope` as it is) and opens the answer if it is sealed. */
  async call(path: string, body: unknown, envelope?: object): Promise<Seen> {
    const sent = envelope ?? this.envelope(path, body);
    const seq = (sent as { seq?: number }).seq ?? 0;
    const res = await request(this.server.url).post(path).send(sent);
    return seen(res, this.opener(seq));
  }

  /** Opens a sealed answer to `seq`. */
  opener(seq: number): (status: number, raw: unknown) => unknown {
    return (status, raw) => {
      const plaintext = openResponse(this.keys, this.sessionId, seq, status, raw);
      if (plaintext === null) throw new Error('sealed answer did not authenticate');
      return JSON.parse(plaintext.toString('utf8')) as unknown;
    };
  }
}

function seen(res: request.Response, open?: (status: number, raw: unknown) => unknown): Seen {
  const body = res.body as Record<string, unknown>;
  const sealed = typeof body === 'object' && body !== null && 'payload' in body;
  return {
    status: res.status,
    type: res.headers['content-type'],
    cacheControl: res.headers['cache-control'],
    retryAfter: res.headers['retry-after'],
    sealed,
    body: sealed && open ? open(res.status, body) : body,
  };
}

async function activeSession(server: RunningDss, name: string, keys = true): Promise<RawSession> {
  const { temporaryPassword } = await server.app
    .get(AccountsService)
    .register(name, { type: 'operator', name: 'hot-routes-test' });
  const s = await RawSession.open(server);
  await s.call('/v1/auth/login', { username: name, password: temporaryPassword });
  await s.call('/v1/auth/password', { currentPassword: temporaryPassword, newPassword: PASSWORD });
  await s.call('/v1/auth/login', { username: name, password: PASSWORD });
  if (keys) expect((await s.call('/v1/keys', {})).status).toBe(201);
  return s;
}

/** The same story on one server; every answer, with what differs by nature made comparable. */
async function story(server: RunningDss): Promise<Record<string, Seen>> {
  const out: Record<string, Seen> = {};
  const alice = await activeSession(server, 'alice');
  const bob = await activeSession(server, 'bob', false);
  const fresh = await RawSession.open(server);
  const doc = Buffer.from('the document').toString('base64url');
  const digest = Buffer.alloc(32, 7).toString('base64url');
  const sign = (s: RawSession, body: unknown) => s.call('/v1/signatures', body);

  const signed = await sign(alice, { document: doc });
  const pub = (await alice.call('/v1/keys/public', {})).body as { publicKey: string };
  const answer = signed.body as Record<string, string>;
  expect(
    verify(
      'sha256',
      Buffer.from('the document'),
      createPublicKey(pub.publicKey),
      Buffer.from(answer.signature, 'base64url'),
    ),
  ).toBe(true);
  out.document = { ...signed, body: { ...answer, keyId: 'K', signature: 'S', receipt: 'R' } };
  const p1363 = await sign(alice, { digest, encoding: 'p1363' });
  out.digestP1363 = {
    ...p1363,
    body: { ...(p1363.body as object), keyId: 'K', signature: 'S', receipt: 'R' },
  };
  out.both = await sign(alice, { document: doc, digest });
  out.neither = await sign(alice, {});
  out.unknownField = await sign(alice, { document: doc, extra: 1 });
  out.notB64u = await sign(alice, { document: 'a+b/' });
  out.badEncoding = await sign(alice, { document: doc, encoding: 'pem' });
  out.nullDocument = await sign(alice, { document: null, digest });
  out.numberDocument = await sign(alice, { document: 42 });
  out.shortDigest = await sign(alice, { digest: 'AAAA' });
  out.tooLarge = await sign(alice, { document: Buffer.alloc(4096).toString('base64url') });
  out.arrayPlaintext = await sign(alice, [doc]);
  out.notJsonPlaintext = await sign(alice, '{nope');
  out.noKey = await sign(bob, { document: doc });
  out.notLoggedIn = await sign(fresh, { document: doc });

  const replay = alice.envelope('/v1/signatures', { document: doc });
  await alice.call('/v1/signatures', null, replay);
  out.replayed = await alice.call('/v1/signatures', null, replay);
  const tampered = alice.envelope('/v1/signatures', { document: doc });
  // One bit of the tag flipped: rewriting the last characters left the bytes unchanged whenever
  // they already encoded the same bits, and the "tampered" record then signed.
  const tamperedBytes = Buffer.from(tampered.payload, 'base64url');
  tamperedBytes[tamperedBytes.length - 1] ^= 1;
  tampered.payload = tamperedBytes.toString('base64url');
  out.decryptFailed = await alice.call('/v1/signatures', null, tampered);
  out.otherPath = await alice.call(
    '/v1/signatures',
    null,
    alice.envelope('/v1/keys/public', { document: doc }),
  );
  out.unknownSession = await alice.call('/v1/signatures', null, {
    ...alice.envelope('/v1/signatures', {}),
    sessionId: Buffer.alloc(16, 9).toString('base64url'),
  });
  out.extraEnvelopeField = await alice.call('/v1/signatures', null, {
    ...alice.envelope('/v1/signatures', {}),
    more: 1,
  });

  const raw = (body: string, type = 'application/json') =>
    request(server.url).post('/v1/signatures').set('Content-Type', type).send(body);
  out.bodyNotJson = seen(await raw('{"sessionId":'));
  out.bodyPrimitive = seen(await raw('"text"'));
  out.bodyEmpty = seen(await raw(''));
  out.bodyArray = seen(await raw('[1]'));
  const bom = alice.envelope('/v1/signatures', { digest });
  out.bodyBom = seen(await raw(`\ufeff${JSON.stringify(bom)}`), alice.opener(bom.seq));
  out.bodyBom.body = { ...(out.bodyBom.body as object), keyId: 'K', signature: 'S', receipt: 'R' };
  out.bodyCharset = seen(await raw('{}', 'application/json; charset=UTF-8'));
  out.bodyLatin1 = seen(await raw('{}', 'application/json; charset=latin1'));
  out.bodyText = seen(await raw('{}', 'text/plain'));
  out.bodyTooLarge = seen(await raw(JSON.stringify({ pad: 'x'.repeat(70_000) })));

  const hello = clientHandshakeStart().request;
  const handshake = await request(server.url).post('/v1/handshake').send(hello);
  out.handshake = { ...seen(handshake), body: Object.keys(handshake.body as object).sort() };
  out.handshakeBadKey = seen(
    await request(server.url)
      .post('/v1/handshake')
      .send({ ...hello, clientPublicKey: 'AAAA' }),
  );
  out.handshakeUnknownField = seen(
    await request(server.url)
      .post('/v1/handshake')
      .send({ ...hello, extra: true }),
  );
  out.handshakeNotJson = seen(
    await request(server.url)
      .post('/v1/handshake')
      .set('Content-Type', 'application/json')
      .send('{'),
  );
  return out;
}

describe('hot routes (e2e)', () => {
  const env = { DSS_MAX_DOCUMENT_BYTES: '2048', DSS_MAX_BODY_BYTES: '65536' };

  it('have the method, path, state and status of the controller routes they stand in for', async () => {
    const server = await startDss({ env });
    try {
      const routes: Record<string, { state: string; status: number }> = {};
      for (const controller of [HandshakeController, SigningController]) {
        const base = String(Reflect.getMetadata(PATH_METADATA, controller));
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as unknown as Record<string, unknown>)[name];
          if (name === 'constructor' || typeof handler !== 'function') continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          const sub = String(Reflect.getMetadata(PATH_METADATA, handler));
          const path = `/${[base, sub].filter((p) => p && p !== '/').join('/')}`;
          const sealed = Reflect.getMetadata(SEALED_ROUTE, handler) as SealedOptions | undefined;
          routes[`${method} ${path}`] = {
            state: Reflect.getMetadata(PUBLIC_ROUTE, handler) ? 'public' : sealed!.state!,
            status: Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number,
          };
        }
      }
      const hot = dssHotRoutes(server.app, createValidationPipe());
      expect(hot.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /v1/handshake',
        'POST /v1/signatures',
      ]);
      for (const r of hot) {
        expect(routes[`${r.method} ${r.path}`]).toEqual({
          state: r.kind === 'public' ? 'public' : r.state,
          status: r.status,
        });
      }
    } finally {
      await server.close();
    }
  });

  it('serve the handshake and SignDoc without the controllers; Nest serves them when the dispatch is off', async () => {
    // The interceptor runs for every Nest route, public ones included.
    const intercept = jest.spyOn(SecureChannelInterceptor.prototype, 'intercept');
    const hot = () =>
      intercept.mock.calls
        .map(([context]) => context.switchToHttp().getRequest<Request>().path)
        .filter((path) => path === '/v1/handshake' || path === '/v1/signatures');
    try {
      for (const hotRoutes of [true, false]) {
        intercept.mockClear();
        const server = await startDss({ env, hotRoutes });
        try {
          const alice = await activeSession(server, 'alice');
          const res = await alice.call('/v1/signatures', { document: 'AAAA' });
          expect(res.status).toBe(200);
        } finally {
          await server.close();
        }
        expect(hot()).toEqual(hotRoutes ? [] : ['/v1/handshake', '/v1/signatures']);
      }
    } finally {
      intercept.mockRestore();
    }
  });

  it('answer every case exactly as the Nest routes do', async () => {
    const answers: Record<string, Seen>[] = [];
    for (const hotRoutes of [true, false]) {
      const server = await startDss({ env, hotRoutes });
      try {
        answers.push(await story(server));
      } finally {
        await server.close();
      }
    }
    const [hot, nest] = answers;
    expect(Object.keys(hot)).toEqual(Object.keys(nest));
    for (const key of Object.keys(nest)) expect({ [key]: hot[key] }).toEqual({ [key]: nest[key] });
    // The story covers what it says it does.
    expect(nest.document).toMatchObject({ status: 200, sealed: true, cacheControl: 'no-store' });
    expect(nest.notB64u).toMatchObject({ status: 400, sealed: true });
    expect(nest.notLoggedIn.body).toEqual({
      error: { code: 'not_authenticated', message: expect.any(String) },
    });
    expect(nest.noKey).toMatchObject({ sealed: true, body: { error: { code: 'no_key' } } });
    expect(nest.replayed).toMatchObject({ status: 409, sealed: false });
    expect(nest.decryptFailed.body).toMatchObject({ error: { code: 'decrypt_failed' } });
    expect(nest.bodyNotJson.body).toMatchObject({ error: { code: 'bad_envelope' } });
    expect(nest.bodyTooLarge.status).toBe(413);
    expect(nest.handshake.status).toBe(200);
    expect(nest.handshakeBadKey.body).toMatchObject({ error: { code: 'bad_public_key' } });
  });

  it('throttle handshakes per client address as Express reports it, with and without trust proxy', async () => {
    const outcomes: Record<string, number[]> = {};
    for (const hotRoutes of [true, false]) {
      for (const trust of ['true', 'false']) {
        const server = await startDss({
          // 2 a minute: a burst of one, then 429 until the bucket refills.
          env: { ...env, DSS_HANDSHAKE_RATE_LIMIT: '2', DSS_TRUST_PROXY: trust },
          hotRoutes,
        });
        try {
          const statuses: number[] = [];
          for (const from of ['10.0.0.1', '10.0.0.1', '10.0.0.1', '10.0.0.2, 10.9.9.9']) {
            const res = await request(server.url)
              .post('/v1/handshake')
              .set('X-Forwarded-For', from)
              .send(clientHandshakeStart().request);
            statuses.push(res.status);
          }
          outcomes[`${hotRoutes ? 'hot' : 'nest'} trust=${trust}`] = statuses;
        } finally {
          await server.close();
        }
      }
    }
    expect(outcomes).toEqual({
      'hot trust=true': [200, 429, 429, 200],
      'hot trust=false': [200, 429, 429, 429],
      'nest trust=true': [200, 429, 429, 200],
      'nest trust=false': [200, 429, 429, 429],
    });
  });
});
