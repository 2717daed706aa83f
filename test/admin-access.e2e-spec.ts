/**
 * Access to the admin API: 401 without credentials, the auditor's read-only role walked over the
 * whole OpenAPI document, token revocation and expiry, cookie sessions with CSRF double submit,
 * lockout and per-address throttling, and the hardening (headers, limits, error shape).
 */
import { ManualClock } from '@dss/common';
import request from 'supertest';
import { bearer, fillPath, login, operationsOf, readyOperator } from './support/admin-api';
import { startAdmin, type RunningAdmin } from './support/admin-server';

const BOOTSTRAP = 'bootstrap-secret-0001-xyz';
const ADMIN_PW = 'harbour-compass-71-lantern';
const AUDITOR_PW = 'velvet-meadow-38-granite';
/** Operations anyone may call: logging in, and what the sign-in page shows. */
const PUBLIC = ['post /api/auth/login', 'get /api/auth/sign-in-status'];
/** Writes an auditor may make: their own session only. */
const SELF_SERVICE = ['post /api/auth/password', 'post /api/auth/logout'];

describe('admin API access (e2e)', () => {
  const clock = new ManualClock(Date.now());
  let admin: RunningAdmin;
  let adminToken: string;
  let auditorToken: string;
  const api = () => request(admin.url);

  beforeAll(async () => {
    admin = await startAdmin({
      clock,
      env: {
        DSS_ADMIN_BOOTSTRAP_PASSWORD: BOOTSTRAP,
        DSS_ADMIN_IDLE_SECONDS: '60',
        DSS_ADMIN_TOKEN_TTL_SECONDS: '300',
        DSS_LOGIN_MAX_FAILURES: '3',
        DSS_LOGIN_LOCKOUT_SECONDS: '60',
        DSS_LOGIN_RATE_LIMIT: '12',
        DSS_TRUST_PROXY: 'true',
      },
    });
    expect(admin.bootstrap).toEqual({
      created: true,
      username: 'admin',
      passwordSource: 'DSS_ADMIN_BOOTSTRAP_PASSWORD',
    });
    const first = await login(admin.url, 'admin', BOOTSTRAP);
    await api()
      .post('/api/auth/password')
      .set(bearer(first))
      .send({ currentPassword: BOOTSTRAP, newPassword: ADMIN_PW })
      .expect(200);
    adminToken = await login(admin.url, 'admin', ADMIN_PW);
    auditorToken = await readyOperator(admin.url, adminToken, 'audrey', 'auditor', AUDITOR_PW);
    await api().post('/api/users').set(bearer(adminToken)).send({ username: 'bob' }).expect(201);
  });
  afterAll(async () => {
    await admin?.close();
  });

  describe('roles, from the OpenAPI document', () => {
    it('documents every operation with its roles, security, error answers and a tag', () => {
      const ops = operationsOf(admin.document);
      expect(ops.length).toBeGreaterThanOrEqual(20);
      for (const op of ops) {
        const raw = (admin.document.paths[op.path] as Record<string, Record<string, unknown>>)[
          op.method
        ];
        const where = `${op.method} ${op.path}`;
        expect([where, Array.isArray(op.roles)]).toEqual([where, true]);
        expect([where, (raw.tags as string[]).length]).toEqual([where, 1]);
        if (op.roles.length === 0) {
          expect(PUBLIC).toContain(where);
          continue;
        }
        expect([where, raw.security]).toEqual([where, [{ bearer: [] }, { cookie: [] }]]);
        expect([where, Object.keys(raw.responses as object)]).toEqual([
          where,
          expect.arrayContaining(['401', '403']),
        ]);
        if (op.method === 'get') {
          // An auditor can read everything, and the document says so.
          expect([where, op.roles]).toEqual([where, ['admin', 'auditor']]);
          expect(op.summary).toMatch(/\(read-only; admin and auditor\)$/);
          expect(op.description).toMatch(/^\*\*Read-only; admin and auditor\.\*\*/);
        } else if (op.roles.includes('auditor')) {
          expect(SELF_SERVICE).toContain(where);
        } else {
          expect([where, op.roles]).toEqual([where, ['admin']]);
          expect(op.summary).toMatch(/\(admin only\)$/);
        }
      }
    });

    it('answers 401 not_authenticated on every operation without credentials, except the public ones and the docs', async () => {
      for (const op of operationsOf(admin.document)) {
        const r = await api()
          [op.method](fillPath(op.path, { username: 'bob' }))
          .send({});
        const where = `${op.method} ${op.path}`;
        if (op.roles.length === 0) {
          // Login wants a body; the sign-in status needs nothing and says nothing secret.
          expect([where, r.status]).toEqual([where, op.method === 'post' ? 400 : 200]);
          continue;
        }
        expect([where, r.status, r.body]).toEqual([
          where,
          401,
          { error: { code: 'not_authenticated', message: expect.any(String) } },
        ]);
        // Garbage and unknown tokens are no better.
        for (const auth of ['Bearer nope', `Bearer ${'A'.repeat(43)}`, 'Basic YWRtaW46eA==']) {
          const bad = await api()
            [op.method](fillPath(op.path, { username: 'bob' }))
            .set('Authorization', auth);
          expect([where, auth, bad.status]).toEqual([where, auth, 401]);
        }
      }
      await api().get('/api/docs').expect(200);
      await api().get('/api/docs-json').expect(200);
    });

    it('lets an auditor read every GET operation and refuses every write with 403 forbidden', async () => {
      const params = { username: 'bob' };
      for (const op of operationsOf(admin.document)) {
        const where = `${op.method} ${op.path}`;
        if (op.roles.length === 0 || SELF_SERVICE.includes(where)) continue;
        const path = fillPath(
          op.path,
          op.path.startsWith('/api/operators') ? { username: 'audrey' } : params,
        );
        const r = await api()
          [op.method](path)
          .set(bearer(auditorToken))
          .send({ username: 'eve', role: 'admin' });
        if (op.method === 'get') {
          expect([where, r.status]).toEqual([where, 200]);
        } else {
          expect([where, r.status, r.body.error?.code]).toEqual([where, 403, 'forbidden']);
        }
      }
      // Nothing changed.
      const bob = await api().get('/api/users/bob').set(bearer(adminToken)).expect(200);
      expect(bob.body).toMatchObject({ status: 'must_change_password', disabled: false });
      await api().get('/api/users/eve').set(bearer(adminToken)).expect(404);
      await api().get('/api/operators/eve').set(bearer(adminToken)).expect(404);
      const me = await api().get('/api/auth/me').set(bearer(auditorToken)).expect(200);
      expect(me.body).toMatchObject({ username: 'audrey', role: 'auditor', session: 'bearer' });
    });
  });

  describe('tokens', () => {
    it('are revoked by logout', async () => {
      const token = await login(admin.url, 'audrey', AUDITOR_PW);
      await api().get('/api/auth/me').set(bearer(token)).expect(200);
      await api().post('/api/auth/logout').set(bearer(token)).expect(200, { loggedOut: true });
      const r = await api().get('/api/auth/me').set(bearer(token)).expect(401);
      expect(r.body.error.code).toBe('not_authenticated');
      await api().post('/api/auth/logout').set(bearer(token)).expect(401);
      // Other sessions of the same operator live on.
      await api().get('/api/auth/me').set(bearer(auditorToken)).expect(200);
    });

    it('expire after the idle timeout and after their absolute lifetime', async () => {
      const idle = await login(admin.url, 'audrey', AUDITOR_PW);
      clock.advance(61_000);
      await api().get('/api/auth/me').set(bearer(idle)).expect(401);

      const busy = await login(admin.url, 'audrey', AUDITOR_PW);
      for (let t = 0; t < 290; t += 50) {
        await api().get('/api/auth/me').set(bearer(busy)).expect(200);
        clock.advance(50_000);
      }
      clock.advance(10_000); // 310 s after login: past DSS_ADMIN_TOKEN_TTL_SECONDS
      await api().get('/api/auth/me').set(bearer(busy)).expect(401);
      // The suite's own tokens idled out too.
      adminToken = await login(admin.url, 'admin', ADMIN_PW);
      auditorToken = await login(admin.url, 'audrey', AUDITOR_PW);
    });

    it('are revoked when the operator is disabled or their password is reset', async () => {
      const token = await login(admin.url, 'audrey', AUDITOR_PW);
      const disabled = await api()
        .post('/api/operators/audrey/disable')
        .set(bearer(adminToken))
        .expect(200);
      expect(disabled.body).toMatchObject({
        changed: true,
        revokedSessions: 2,
        operator: { status: 'disabled' },
      });
      await api().get('/api/auth/me').set(bearer(token)).expect(401);
      await api()
        .post('/api/auth/login')
        .set('X-Forwarded-For', '203.0.113.9')
        .send({ username: 'audrey', password: AUDITOR_PW })
        .expect(401);
      await api().post('/api/operators/audrey/enable').set(bearer(adminToken)).expect(200);
      const again = await login(admin.url, 'audrey', AUDITOR_PW);
      const reset = await api()
        .post('/api/operators/audrey/reset-password')
        .set(bearer(adminToken))
        .expect(200);
      expect(reset.body).toMatchObject({ username: 'audrey', role: 'auditor' });
      await api().get('/api/auth/me').set(bearer(again)).expect(401);
      const temporary = reset.body.temporaryPassword as string;
      const first = await login(admin.url, 'audrey', temporary);
      await api()
        .post('/api/auth/password')
        .set(bearer(first))
        .send({ currentPassword: temporary, newPassword: AUDITOR_PW })
        .expect(200);
      auditorToken = await login(admin.url, 'audrey', AUDITOR_PW);
    });

    it('refuses to disable the last enabled admin', async () => {
      const r = await api()
        .post('/api/operators/admin/disable')
        .set(bearer(adminToken))
        .expect(409);
      expect(r.body.error.code).toBe('conflict');
      await api().get('/api/auth/me').set(bearer(adminToken)).expect(200);
    });
  });

  describe('cookie sessions', () => {
    function cookiesOf(r: request.Response): string[] {
      const set = r.headers['set-cookie'] as unknown;
      return Array.isArray(set) ? (set as string[]) : [];
    }
    function valueOf(cookies: string[], name: string): string {
      const c = cookies.find((x) => x.startsWith(`${name}=`));
      return c ? c.slice(name.length + 1).split(';')[0] : '';
    }

    it('sets HttpOnly SameSite=Strict cookies and refuses cookie-authenticated writes without the CSRF token', async () => {
      const r = await api()
        .post('/api/auth/login')
        .set('X-Forwarded-For', '203.0.113.20')
        .send({ username: 'admin', password: ADMIN_PW, session: 'cookie' })
        .expect(200);
      expect(r.body.accessToken).toBeUndefined();
      expect(r.body).toMatchObject({ session: 'cookie', role: 'admin', expiresIn: 300 });
      const cookies = cookiesOf(r);
      const session = cookies.find((c) => c.startsWith('dss_admin_session='))!;
      const csrfCookie = cookies.find((c) => c.startsWith('dss_csrf='))!;
      expect(session).toMatch(/; Path=\//);
      expect(session).toMatch(/; HttpOnly/);
      expect(session).toMatch(/; SameSite=Strict/);
      expect(session).not.toMatch(/; Secure/);
      expect(csrfCookie).not.toMatch(/HttpOnly/);
      expect(csrfCookie).toMatch(/; SameSite=Strict/);
      const csrf = valueOf(cookies, 'dss_csrf');
      expect(r.body.csrfToken).toBe(csrf);
      const cookie = `dss_admin_session=${valueOf(cookies, 'dss_admin_session')}; dss_csrf=${csrf}`;

      await api().get('/api/users').set('Cookie', cookie).expect(200);
      const almost = `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`;
      for (const header of [undefined, 'wrong', almost]) {
        const req = api().post('/api/users').set('Cookie', cookie);
        if (header !== undefined) req.set('X-CSRF-Token', header);
        const refused = await req.send({ username: 'carol' });
        expect([header, refused.status, refused.text]).toEqual([
          header,
          403,
          expect.stringContaining('"code":"csrf_failed"'),
        ]);
      }
      await api().get('/api/users/carol').set('Cookie', cookie).expect(404);
      await api()
        .post('/api/users')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', csrf)
        .send({ username: 'carol' })
        .expect(201);
      // A cookie token is not a bearer token.
      await api()
        .get('/api/auth/me')
        .set(bearer(valueOf(cookies, 'dss_admin_session')))
        .expect(401);
      // Bearer requests need no CSRF token.
      await api().post('/api/users/carol/disable').set(bearer(adminToken)).expect(200);

      await api().post('/api/auth/logout').set('Cookie', cookie).expect(403);
      const out = await api()
        .post('/api/auth/logout')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', csrf)
        .expect(200);
      expect(valueOf(cookiesOf(out), 'dss_admin_session')).toBe('');
      await api().get('/api/users').set('Cookie', cookie).expect(401);
    });

    it('marks the cookies Secure when the request came over HTTPS', async () => {
      const r = await api()
        .post('/api/auth/login')
        .set('X-Forwarded-For', '203.0.113.21')
        .set('X-Forwarded-Proto', 'https')
        .send({ username: 'audrey', password: AUDITOR_PW, session: 'cookie' })
        .expect(200);
      for (const c of cookiesOf(r)) expect(c).toMatch(/; Secure/);
    });
  });

  describe('login throttling', () => {
    it('locks an address out of an operator after repeated failures, with Retry-After; other addresses and the end of the lock let them in', async () => {
      await readyOperator(admin.url, adminToken, 'lucy', 'auditor', AUDITOR_PW);
      const attempt = (password: string, n: number) =>
        api()
          .post('/api/auth/login')
          .set('X-Forwarded-For', `192.0.2.${n}`)
          .send({ username: 'lucy', password });
      // One address; 5 s apart so the per-address request throttle (12 a minute) stays out of it.
      for (let i = 0; i < 3; i++) {
        if (i > 0) clock.advance(5_000);
        const r = await attempt('not-the-password', 1);
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('invalid_credentials');
      }
      const locked = await attempt(AUDITOR_PW, 1);
      expect(locked.status).toBe(429);
      expect(locked.body.error).toMatchObject({ code: 'too_many_attempts', retryAfterSeconds: 60 });
      expect(locked.headers['retry-after']).toBe('60');
      const listed = await api().get('/api/operators/lucy').set(bearer(adminToken)).expect(200);
      expect(listed.body).toMatchObject({ status: 'locked', failedLogins: 3 });
      // The lock is the address's: lucy logs in from another one (docs/SECURITY.md, "Lockout").
      expect((await attempt(AUDITOR_PW, 10)).status).toBe(200);
      clock.advance(61_000);
      adminToken = await login(admin.url, 'admin', ADMIN_PW);
      auditorToken = await login(admin.url, 'audrey', AUDITOR_PW);
      expect((await attempt(AUDITOR_PW, 1)).status).toBe(200);

      // Unknown names lock alike, so a lock does not tell that an account exists.
      const ghost = async () => {
        clock.advance(5_000);
        return (
          await api()
            .post('/api/auth/login')
            .set('X-Forwarded-For', '192.0.2.30')
            .send({ username: 'ghost', password: 'whatever-it-is' })
        ).status;
      };
      expect([await ghost(), await ghost(), await ghost(), await ghost()]).toEqual([
        401, 401, 401, 429,
      ]);
      const events = await api()
        .get('/api/audit/events?action=operator.locked&order=desc&limit=5')
        .set(bearer(adminToken))
        .expect(200);
      expect((events.body.items as { subject: string | null }[]).map((e) => e.subject)).toEqual(
        expect.arrayContaining(['lucy', null]),
      );
    });

    it('throttles logins per client address', async () => {
      const from = () =>
        api()
          .post('/api/auth/login')
          .set('X-Forwarded-For', '192.0.2.200')
          .send({ username: 'nobody-at-all', password: 'x' });
      // DSS_LOGIN_RATE_LIMIT=12 a minute: bursts of 2.
      expect((await from()).status).toBe(401);
      expect((await from()).status).toBe(401);
      const r = await from();
      expect(r.status).toBe(429);
      expect(r.body.error).toMatchObject({ code: 'too_many_attempts', retryAfterSeconds: 5 });
      expect(r.headers['retry-after']).toBe('5');
    });
  });

  describe('hardening', () => {
    it('sends security headers, no-store, and no CORS headers unless configured', async () => {
      const r = await api()
        .get('/api/users')
        .set(bearer(adminToken))
        .set('Origin', 'https://evil.example')
        .expect(200);
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['strict-transport-security']).toBeDefined();
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['x-powered-by']).toBeUndefined();
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await api()
        .options('/api/users')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers every failure as {error: {code, message}}', async () => {
      const auth = bearer(adminToken);
      const cases: [request.Test, number, string][] = [
        [api().get('/api/nowhere').set(auth), 404, 'not_found'],
        [api().get('/nowhere'), 404, 'not_found'],
        [api().get('/api/users/nobody-here').set(auth), 404, 'not_found'],
        [api().get('/api/users?limit=201').set(auth), 400, 'invalid_request'],
        [api().get('/api/users?status=sleeping').set(auth), 400, 'invalid_request'],
        [api().get('/api/audit/events?from=yesterday').set(auth), 400, 'invalid_request'],
        [
          api().post('/api/users').set(auth).send({ username: 'dan', admin: true }),
          400,
          'invalid_request',
        ],
        [
          api().post('/api/users').set(auth).send({ username: 'Bad Name!' }),
          400,
          'invalid_username',
        ],
        [api().post('/api/users').set(auth).send({ username: 'bob' }), 409, 'user_exists'],
        [
          api().post('/api/operators').set(auth).send({ username: 'x1', role: 'root' }),
          400,
          'invalid_request',
        ],
        [
          api().post('/api/operators').set(auth).send({ username: 'audrey', role: 'auditor' }),
          409,
          'conflict',
        ],
        [
          api()
            .post('/api/users')
            .set(auth)
            .set('Content-Type', 'application/json')
            .send('{"username":'),
          400,
          'invalid_request',
        ],
        [
          api()
            .post('/api/users')
            .set(auth)
            .send({ username: 'x'.repeat(70 * 1024) }),
          413,
          'payload_too_large',
        ],
      ];
      for (const [i, [req, status, code]] of cases.entries()) {
        const r = await req;
        expect([i, r.status, r.body]).toEqual([
          i,
          status,
          { error: { code, message: expect.any(String) } },
        ]);
      }
    });

    it('serves Swagger UI from its own origin, within the CSP', async () => {
      const page = await api().get('/api/docs').expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
      const styles = [
        ...page.text.matchAll(/<link rel="stylesheet" type="text\/css" href="([^"]+)"/g),
      ].map((m) => m[1]);
      expect(scripts).toEqual(
        expect.arrayContaining([expect.stringMatching(/swagger-ui-bundle\.js$/)]),
      );
      expect(page.text).not.toMatch(/<script>/);
      for (const src of [...scripts, ...styles]) {
        expect(src).not.toMatch(/^(https?:)?\/\//);
        const asset = await api()
          .get(new URL(src, `${admin.url}/api/docs/`).pathname)
          .expect(200);
        expect(asset.text.length).toBeGreaterThan(100);
      }
      const init = await api().get('/api/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('DSS admin API');
      const json = await api().get('/api/docs-json').expect(200);
      expect(json.body).toEqual(JSON.parse(JSON.stringify(admin.document)));
    });

    it('allows the configured CORS origins only', async () => {
      const other = await startAdmin({
        database: admin.database,
        env: { DSS_ADMIN_CORS_ORIGINS: 'https://dashboard.example.org' },
      });
      try {
        expect(other.bootstrap.created).toBe(false);
        const ok = await request(other.url)
          .options('/api/users')
          .set('Origin', 'https://dashboard.example.org')
          .set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'x-csrf-token,content-type');
        expect(ok.headers['access-control-allow-origin']).toBe('https://dashboard.example.org');
        expect(ok.headers['access-control-allow-credentials']).toBe('true');
        expect(ok.headers['access-control-allow-headers']).toMatch(/x-csrf-token/i);
        const no = await request(other.url)
          .options('/api/users')
          .set('Origin', 'https://evil.example')
          .set('Access-Control-Request-Method', 'POST');
        expect(no.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await other.close();
      }
    });
  });
});
