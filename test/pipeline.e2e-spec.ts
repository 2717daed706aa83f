/**
 * One request pipeline (DESIGN.md §2): every route of the employee API — the hot routes and the
 * Nest routes alike — gets a request id in its answer, is counted in the metrics under its route
 * template and status, and is logged with that id. The test walks every mapped route, so a new
 * route is covered without being named here, and checks the metrics endpoint itself.
 */
import { AccountsService } from '@dss/accounts';
import { createLogger } from '@dss/common';
import {
  clientHandshakeFinish,
  clientHandshakeStart,
  sealRequest,
  type SessionKeys,
} from '@dss/secure-channel';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { startMetrics } from '../apps/dss/src/dss.app';
import { startDss, type RunningDss } from './support/dss-server';
import { walkRoutes } from './support/routes';

const PASSWORD = 'pipeline test password 1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface LogLine {
  msg: string;
  reqId?: string;
  method?: string;
  path?: string;
  route?: string;
  status?: number;
}

/** A DSS-SC1 session that seals whatever it is given. */
class Session {
  private seq = 0;
  private constructor(
    private readonly server: RunningDss,
    private readonly sessionId: Buffer,
    private readonly keys: SessionKeys,
  ) {}

  static async open(server: RunningDss): Promise<Session> {
    const { request: hello, state } = clientHandshakeStart();
    const res = await request(server.url).post('/v1/handshake').send(hello).expect(200);
    const { sessionId, keys } = clientHandshakeFinish(state, res.body, server.identity.publicKey);
    return new Session(server, sessionId, keys);
  }

  send(method: string, path: string, body: unknown, requestId?: string): request.Test {
    const envelope = sealRequest(
      this.keys,
      this.sessionId,
      ++this.seq,
      method,
      path,
      Buffer.from(JSON.stringify(body), 'utf8'),
    );
    const req = request(this.server.url)
      [method.toLowerCase() as 'post' | 'delete'](path)
      .send(envelope);
    return requestId === undefined ? req : req.set('X-Request-Id', requestId);
  }
}

/** The sample count of `dss_http_request_duration_seconds` for one method, route and status. */
function requestCount(text: string, method: string, route: string, status: number): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('dss_http_request_duration_seconds_count{') &&
        l.includes(`method="${method}"`) &&
        l.includes(`route="${route}"`) &&
        l.includes(`status="${status}"`),
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The value of an unlabelled (but for `app`) metric. */
function value(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  if (line === undefined) throw new Error(`${name}${labels} is missing`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each([
  ['hot routes dispatched', true],
  ['every route through Nest', false],
])('one request pipeline, %s (e2e)', (_name, hotRoutes) => {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  let server: RunningDss;
  beforeAll(async () => {
    server = await startDss({ logger: createLogger('info', sink), hotRoutes });
  });
  afterAll(async () => {
    await server.close();
  });

  it('gives every employee route a request id, a metric with its route and status, and a log line', async () => {
    const routes = walkRoutes(server);
    expect(routes.map((r) => r.route)).toEqual(
      expect.arrayContaining(['POST /v1/handshake', 'POST /v1/signatures', 'GET /healthz']),
    );
    const { temporaryPassword } = await server.app
      .get(AccountsService)
      .register('pia', { type: 'operator', name: 'test' });
    const session = await Session.open(server);
    await session.send('POST', '/v1/auth/login', { username: 'pia', password: temporaryPassword });
    await session.send('POST', '/v1/auth/password', {
      currentPassword: temporaryPassword,
      newPassword: PASSWORD,
    });
    await session.send('POST', '/v1/auth/login', { username: 'pia', password: PASSWORD });
    await session.send('POST', '/v1/keys', {}).expect(201);

    // Ending the session last keeps every other sealed route reachable with it.
    const last = (r: { path: string }) => (/logout|keys$/.test(r.path) ? 1 : 0);
    const ordered = [...routes].sort((a, b) => last(a) - last(b));
    const sent: { route: string; method: string; path: string; status: number; id: string }[] = [];
    for (const [n, route] of ordered.entries()) {
      const id = `walk-${n}-${route.method}`;
      let res: request.Response;
      if (route.path === '/v1/handshake') {
        res = await request(server.url)
          .post(route.path)
          .set('X-Request-Id', id)
          .send(clientHandshakeStart().request);
      } else if (route.public) {
        res = await request(server.url)
          [route.method.toLowerCase() as 'get'](route.path)
          .set('X-Request-Id', id);
      } else {
        const body =
          route.path === '/v1/signatures'
            ? { digest: Buffer.alloc(32, 2).toString('base64url') }
            : {};
        res = await session.send(route.method, route.path, body, id);
      }
      expect({ route: route.route, id: res.headers['x-request-id'] }).toEqual({
        route: route.route,
        id,
      });
      sent.push({ ...route, status: res.status, id });
    }

    const text = await metricsText(server);
    for (const s of sent) {
      const counted = requestCount(text, s.method, s.path, s.status);
      expect({ route: s.route, status: s.status, counted: counted >= 1 }).toEqual({
        route: s.route,
        status: s.status,
        counted: true,
      });
      const logged = lines.filter((l) => l.msg === 'request' && l.reqId === s.id);
      expect({ route: s.route, logged: logged.map((l) => [l.method, l.route, l.status]) }).toEqual({
        route: s.route,
        logged: [[s.method, s.path, s.status]],
      });
    }
  });

  it('generates an id when none or an unusable one is given, and never logs query strings', async () => {
    const plain = await request(server.url).get('/healthz').expect(200);
    expect(plain.headers['x-request-id']).toMatch(UUID);
    const bad = await request(server.url)
      .get('/healthz')
      .set('X-Request-Id', 'has spaces and "quotes"')
      .expect(200);
    expect(bad.headers['x-request-id']).toMatch(UUID);
    const other = await request(server.url).get('/healthz').expect(200);
    expect(other.headers['x-request-id']).not.toBe(plain.headers['x-request-id']);

    const id = 'query-check-1';
    await request(server.url)
      .get('/v1/server-key?token=s3cret-value')
      .set('X-Request-Id', id)
      .expect(200);
    const logged = lines.filter((l) => l.reqId === id);
    expect(logged).toHaveLength(1);
    expect(logged[0].path).toBe('/v1/server-key');
    expect(JSON.stringify(lines)).not.toContain('s3cret-value');
  });

  it('counts unknown paths under one route label, not one per path', async () => {
    for (const path of ['/nope/1', '/nope/2', '/v1/unknown']) {
      await request(server.url).get(path).expect(404);
    }
    const text = await metricsText(server);
    expect(requestCount(text, 'GET', 'unmatched', 404)).toBeGreaterThanOrEqual(3);
    expect(text).not.toContain('/nope/');
  });
});

/** Scrapes the app's metrics through the real listener (`DSS_METRICS_PORT=0`: a free port). */
async function metricsText(server: RunningDss): Promise<string> {
  const listener = await startMetrics(server.dss, { metricsHost: '127.0.0.1', metricsPort: 0 });
  if (listener === undefined) throw new Error('no metrics listener');
  try {
    const res = await fetch(listener.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    return await res.text();
  } finally {
    await listener.close();
  }
}

describe('metrics listener (e2e)', () => {
  let server: RunningDss;
  beforeAll(async () => {
    server = await startDss();
  });
  afterAll(async () => {
    await server.close();
  });

  it('exports sessions, handshakes, signatures, the audit commits, the bcrypt queue and the database', async () => {
    const { temporaryPassword } = await server.app
      .get(AccountsService)
      .register('moss', { type: 'operator', name: 'test' });
    const session = await Session.open(server);
    // One wrong password: the attempt shows in the metrics (never the name).
    await session.send('POST', '/v1/auth/login', {
      username: 'moss',
      password: 'not-the-password',
    });
    await session.send('POST', '/v1/auth/login', { username: 'moss', password: temporaryPassword });
    await session.send('POST', '/v1/auth/password', {
      currentPassword: temporaryPassword,
      newPassword: PASSWORD,
    });
    await session.send('POST', '/v1/auth/login', { username: 'moss', password: PASSWORD });
    await session.send('POST', '/v1/keys', {}).expect(201);
    await Session.open(server);
    for (let i = 0; i < 3; i++) {
      await session
        .send('POST', '/v1/signatures', { document: Buffer.from(`doc ${i}`).toString('base64url') })
        .expect(200);
    }
    await session
      .send('POST', '/v1/signatures', { digest: Buffer.alloc(32, 1).toString('base64url') })
      .expect(200);

    const text = await metricsText(server);
    expect(value(text, 'dss_sessions_live')).toBe(2);
    expect(value(text, 'dss_handshakes_total')).toBe(2);
    expect(value(text, 'dss_signatures_total', 'mode="document"')).toBe(3);
    expect(value(text, 'dss_signatures_total', 'mode="digest"')).toBe(1);
    // Every signature's record, plus the key creation's, was committed in some batch.
    expect(value(text, 'dss_audit_commit_batch_size_sum')).toBeGreaterThanOrEqual(4);
    expect(value(text, 'dss_audit_commit_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'dss_bcrypt_queue_depth')).toBe(0);
    expect(value(text, 'dss_dependency_up', 'dependency="database"')).toBe(1);
    expect(text).toContain('dss_process_cpu_seconds_total');
    expect(requestCount(text, 'POST', '/v1/signatures', 200)).toBe(4);
    expect(value(text, 'dss_login_attempts_total', 'kind="user",outcome="failure"')).toBe(1);
    // Two logins and the password change, which checks the current password too.
    expect(value(text, 'dss_login_attempts_total', 'kind="user",outcome="success"')).toBe(3);
    expect(text).not.toContain('moss');
  });

  it('answers only GET /metrics, and reports a database that does not answer as down', async () => {
    const listener = await startMetrics(server.dss, { metricsHost: '127.0.0.1', metricsPort: 0 });
    if (listener === undefined) throw new Error('no metrics listener');
    try {
      expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await fetch(listener.url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await fetch(listener.url, { method: 'POST' })).status).toBe(404);
      // The database goes away (its pool closed): the next scrape says so.
      await server.app.get(DataSource).destroy();
      const text = await (await fetch(listener.url)).text();
      expect(value(text, 'dss_dependency_up', 'dependency="database"')).toBe(0);
    } finally {
      await listener.close();
    }
  });

  it('is off unless DSS_METRICS_PORT is set', async () => {
    expect(server.config.metricsPort).toBeUndefined();
    expect(await startMetrics(server.dss, server.config)).toBeUndefined();
  });
});
