/**
 * Every bad input is a 4xx with a code (docs/SECURITY.md): fast-check drives random bodies,
 * headers and query strings at every route of both apps — the admin API's routes from its OpenAPI
 * document, the employee API's plain and sealed routes — and no answer may be a 500 or carry a
 * stack trace. Runs are bounded (a fixed number per app) to keep the file under a minute.
 */
import { AccountsService } from '@dss/accounts';
import { DssApiError, DssChannelError, DssClient } from '@dss/client';
import fc from 'fast-check';
import request from 'supertest';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { fillPath, operationsOf } from './support/admin-api';
import { requestFrom } from './support/bound-fetch';
import { type RunningAdmin, startAdmin } from './support/admin-server';
import { type RunningDss, startDss } from './support/dss-server';

const ADMIN_PASSWORD = 'fuzzing-Admin-Phrase-77';
const NEW_ADMIN_PASSWORD = 'fuzzing-Admin-Phrase-78-new';
const USER_PASSWORD = 'fuzzing-User-Phrase-4411';

/** Text that looks like a stack trace or an internal error message. */
const LEAK = /\n\s+at |node_modules|QueryFailedError|TypeError|SQLITE_|ER_[A-Z_]+/;

/** Query values that have broken parsers before. */
const nastyValue = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '1e308',
    '99999999999999999999',
    '-1',
    '1.5',
    'NaN',
    'Infinity',
    '',
    '0x10',
    '[]',
    '{}',
    '%00',
    '\u0000',
    '%ED%A0%80',
    'null',
    "' OR 1=1 --",
  ),
);
const queryKey = fc.oneof(
  fc.constantFrom(
    'offset',
    'limit',
    'search',
    'status',
    'role',
    'action',
    'actor',
    'subject',
    'cursor',
    'from',
    'to',
    'username',
    'format',
    '__proto__',
    'constructor',
    'prototype',
    'offset[]',
    'limit[a]',
  ),
  fc.string({ maxLength: 8 }),
);
const queryString = fc
  .array(fc.tuple(queryKey, nastyValue), { maxLength: 5 })
  .map((pairs) =>
    pairs
      .map(([k, v]) => `${encodeURIComponent(k)}=${v.startsWith('%') ? v : encodeURIComponent(v)}`)
      .join('&'),
  );
/** A JSON body, sometimes with a prototype key, or raw text that is not JSON. */
const bodyText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.oneof(
        fc.constantFrom(
          'username',
          'password',
          'role',
          'session',
          'currentPassword',
          'newPassword',
          '__proto__',
          'constructor',
          'prototype',
        ),
        fc.string({ maxLength: 6 }),
      ),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    )
    .map((o) => JSON.stringify(o)),
  fc.string({ maxLength: 40 }),
  fc.constant('{"__proto__": {"polluted": true}}'),
);
const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ),
    'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus', 'gzip, gzip'),
    accept: fc.constantFrom('application/json', 'text/csv', '*/*'),
  },
  { requiredKeys: [] },
);
const pathParam = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().toLowerCase() !== 'admin'),
  // Never the fuzzing admin itself: a reset or disable would end its session.
  fc.constantFrom('nobody', '..', '%2e%2e', 'a'.repeat(300)),
);

function expectHandled(status: number, text: string, where: string): void {
  if (status >= 500 || LEAK.test(text)) {
    throw new Error(`${where}: ${status} ${text.slice(0, 300)}`);
  }
}

describe('route fuzzing: admin API', () => {
  let admin: RunningAdmin;
  let token: string;

  beforeAll(async () => {
    admin = await startAdmin({
      env: { DSS_ADMIN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD, DSS_LOGIN_RATE_LIMIT: '0' },
    });
    const first = await request(admin.url)
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
    await request(admin.url)
      .post('/api/auth/password')
      .set('Authorization', `Bearer ${(first.body as { accessToken: string }).accessToken}`)
      .send({ currentPassword: ADMIN_PASSWORD, newPassword: NEW_ADMIN_PASSWORD })
      .expect(200);
    const again = await request(admin.url)
      .post('/api/auth/login')
      .send({ username: 'admin', password: NEW_ADMIN_PASSWORD })
      .expect(200);
    token = (again.body as { accessToken: string }).accessToken;
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('answers every route with a 4xx or a success, never a 500 or a stack trace', async () => {
    // Logging out or changing the password would end the fuzzing session itself.
    const operations = operationsOf(admin.document).filter(
      (o) => !['/api/auth/logout', '/api/auth/password'].includes(o.path),
    );
    expect(operations.length).toBeGreaterThan(15);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        pathParam,
        queryString,
        bodyText,
        headers,
        fc.boolean(),
        fc.boolean(),
        async (op, param, query, body, extra, gzip, authed) => {
          const path = `${fillPath(op.path, { username: param, id: param })}${query ? `?${query}` : ''}`;
          const payload =
            gzip && extra['content-encoding'] === 'gzip' ? gzipSync(body) : Buffer.from(body);
          const r = await request(admin.url)
            [op.method](path)
            .set({ ...extra, ...(authed ? { Authorization: `Bearer ${token}` } : {}) })
            .send(op.method === 'get' ? undefined : payload);
          expectHandled(r.status, r.text, `${op.method.toUpperCase()} ${path}`);
        },
      ),
      { numRuns: 400, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it.each(['/api/keys', '/api/audit/key-deletions', '/api/users', '/api/operators'])(
    'refuses out-of-range and non-integer paging on %s with 400',
    async (path) => {
      for (const query of [
        'offset=1e308',
        'offset=99999999999999999999',
        'offset=-1',
        'offset=1.5',
        'limit=0',
        'limit=1e308',
        'limit=abc',
      ]) {
        const r = await request(admin.url)
          .get(`${path}?${query}`)
          .set('Authorization', `Bearer ${token}`);
        expect({
          query,
          status: r.status,
          code: (r.body as { error?: { code: string } }).error?.code,
        }).toEqual({
          query,
          status: 400,
          code: 'invalid_request',
        });
      }
    },
  );

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a %s field like any unknown field',
    async (field) => {
      const r = await request(admin.url)
        .post('/api/users')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send(`{"username": "proto.user", "${field}": {"isAdmin": true}}`);
      expect(r.status).toBe(400);
      expect((r.body as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining(field) as unknown,
      });
    },
  );

  it('answers a body that says gzip but is not with 400, and an unknown encoding with 415', async () => {
    const bad = await request(admin.url)
      .post('/api/auth/login')
      .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
      .send('{"username": "admin", "password": "x"}');
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { code: string } }).error.code).toBe('invalid_request');
    const unknown = await request(admin.url)
      .post('/api/auth/login')
      .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'bogus' })
      .send('{}');
    expect(unknown.status).toBe(415);
    expect((unknown.body as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    // Real gzip is read.
    const good = await requestFrom('127.0.0.1', `${admin.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ username: 'admin', password: NEW_ADMIN_PASSWORD })),
    });
    expect(good.status).toBe(200);
  });
});

describe('route fuzzing: employee API', () => {
  let server: RunningDss;
  let client: DssClient;

  beforeAll(async () => {
    server = await startDss({ env: { DSS_LOGIN_RATE_LIMIT: '0', DSS_HANDSHAKE_RATE_LIMIT: '0' } });
    const accounts = server.app.get(AccountsService);
    const { temporaryPassword } = await accounts.register('fuzz.user', {
      type: 'operator',
      name: 'test',
    });
    const [{ id }] = await server.app
      .get(DataSource)
      .query<{ id: number }[]>("SELECT id FROM users WHERE username = 'fuzz.user'");
    await accounts.changePassword(Number(id), temporaryPassword, USER_PASSWORD);
    client = new DssClient({ baseUrl: server.url, serverPublicKey: server.identity.publicKeyPem });
    await client.handshake();
    await client.login('fuzz.user', USER_PASSWORD);
    // A key from the start, so the signing cases reach the key and the log, not only the checks.
    await client.createKeys();
  });
  afterAll(async () => {
    await server?.close();
  });

  const ROUTES: ['get' | 'post', string][] = [
    ['post', '/v1/handshake'],
    ['get', '/v1/server-key'],
    ['post', '/v1/auth/login'],
    ['post', '/v1/auth/password'],
    ['post', '/v1/auth/logout'],
    ['post', '/v1/keys'],
    ['post', '/v1/keys/public'],
    ['post', '/v1/keys/delete'],
    ['post', '/v1/signatures'],
    ['get', '/healthz'],
    ['get', '/readyz'],
    ['post', '/v1/nowhere'],
  ];

  // The sealed routes the fuzzing posts to, and the field names they read. Rotating and
  // deleting keys are left out: a success there changes the key the signing cases use
  // (creating one answers `key_exists`, as the user has one).
  const SEALED_ROUTES = [
    '/v1/keys',
    '/v1/keys/public',
    '/v1/signatures',
    '/v1/signatures/batch',
    '/v1/log/events',
    '/v1/ca/trust',
    '/v1/auth/password',
  ];
  const SEALED_FIELDS = [
    'username',
    'keyId',
    'at',
    'document',
    'documentBase64',
    'digest',
    'items',
    'algorithm',
    'encoding',
    'format',
    'before',
    'limit',
    'currentPassword',
    'newPassword',
    '__proto__',
    'constructor',
    'prototype',
  ];

  it('answers plain requests to every route with a 4xx or a success, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        queryString,
        bodyText,
        headers,
        async ([method, route], query, body, extra) => {
          const path = `${route}${query ? `?${query}` : ''}`;
          const r = await request(server.url)
            [method](path)
            .set(extra)
            .send(method === 'get' ? undefined : body);
          expectHandled(r.status, r.text, `${method.toUpperCase()} ${path}`);
        },
      ),
      { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it('answers random sealed bodies on the sealed routes with a 4xx, never a 500', async () => {
    const object = fc.dictionary(
      fc.oneof(fc.constantFrom(...SEALED_FIELDS), fc.string({ maxLength: 6 })),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SEALED_ROUTES), object, async (route, body) => {
        await expectSealedHandled(route, body);
      }),
      { numRuns: 150, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  // Every field of every sealed route, holding each JSON value of the wrong kind — `null`
  // above all, which "optional" must not let through as if the field were absent.
  it('answers every sealed field holding a value of the wrong kind with a 4xx, never a 500', async () => {
    const odd: unknown[] = [null, 0, -1, 1.5, true, '', [], {}, ['x'], { a: 1 }, 'x'.repeat(300)];
    for (const route of SEALED_ROUTES) {
      for (const field of SEALED_FIELDS) {
        for (const value of odd) await expectSealedHandled(route, { [field]: value });
      }
    }
  });

  async function expectSealedHandled(route: string, body: object): Promise<void> {
    try {
      await client.request('POST', route, body);
    } catch (err) {
      if (err instanceof DssApiError || err instanceof DssChannelError) {
        expectHandled(
          err.status,
          `${err.code} ${err.message}`,
          `sealed POST ${route} ${JSON.stringify(body)}`,
        );
        return;
      }
      throw err;
    }
  }

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a sealed %s field like any unknown field',
    async (field) => {
      const fresh = new DssClient({
        baseUrl: server.url,
        serverPublicKey: server.identity.publicKeyPem,
      });
      await fresh.handshake();
      const body = JSON.parse(
        `{"username": "fuzz.user", "password": "${USER_PASSWORD}", "${field}": {"a": 1}}`,
      ) as object;
      await expect(fresh.request('POST', '/v1/auth/login', body)).rejects.toMatchObject({
        status: 400,
        code: 'invalid_request',
      });
    },
  );

  it('answers a body that says gzip but is not with 400, and an unknown encoding with 415', async () => {
    const bad = await request(server.url)
      .post('/v1/auth/login')
      .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
      .send('{"sessionId": "x"}');
    expect(bad.status).toBe(400);
    const unknown = await request(server.url)
      .post('/v1/auth/login')
      .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'bogus' })
      .send('{}');
    expect(unknown.status).toBe(415);
    expect((unknown.body as { error: { code: string } }).error.code).toBe('unsupported_media_type');
  });
});
