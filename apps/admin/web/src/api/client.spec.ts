import { AdminApi, buildQuery, CSRF_HEADER, readCookie } from './client';
import { ApiError, NetworkError } from './errors';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that records calls and answers with the queued responses. */
function fakeFetch(...responses: Response[]) {
  const calls: Call[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push({ url, init: init ?? {} });
    const next = responses.shift();
    return next ? Promise.resolve(next) : Promise.reject(new TypeError('Failed to fetch'));
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });

const headersOf = (call: Call) => call.init.headers as Record<string, string>;

describe('AdminApi', () => {
  const cookies = 'theme=dark; dss_csrf=abc%2B123; other=1';

  it('logs in with the cookie session and sends no CSRF header before there is one', async () => {
    const { fetch, calls } = fakeFetch(
      json(200, { username: 'admin', role: 'admin', mustChangePassword: true, expiresIn: 1800 }),
    );
    const api = new AdminApi({ fetch, cookies: () => '' });
    await expect(api.login('admin', 'pw')).resolves.toMatchObject({ role: 'admin' });
    expect(calls[0].url).toBe('/api/auth/login');
    expect(calls[0].init.method).toBe('POST');
    expect(calls[0].init.credentials).toBe('same-origin');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({
      username: 'admin',
      password: 'pw',
      session: 'cookie',
    });
    expect(headersOf(calls[0])[CSRF_HEADER]).toBeUndefined();
  });

  it('echoes the dss_csrf cookie as X-CSRF-Token on writes, never on reads', async () => {
    const { fetch, calls } = fakeFetch(
      json(201, { username: 'bob', temporaryPassword: 'T', temporaryPasswordExpiresAt: 'x' }),
      json(200, { items: [], total: 0, offset: 0, limit: 25 }),
      json(200, { changed: true, user: {} }),
    );
    let jar = cookies;
    const api = new AdminApi({ fetch, cookies: () => jar });
    await api.registerUser('bob');
    await api.listUsers({ search: 'b', status: 'locked', offset: 0, limit: 25 });
    jar = 'dss_csrf=rotated';
    await api.disableUser('bob');
    expect(headersOf(calls[0])[CSRF_HEADER]).toBe('abc+123');
    expect(headersOf(calls[0])['Content-Type']).toBe('application/json');
    expect(headersOf(calls[1])[CSRF_HEADER]).toBeUndefined();
    expect(calls[1].url).toBe('/api/users?search=b&status=locked&offset=0&limit=25');
    expect(calls[2].url).toBe('/api/users/bob/disable');
    expect(headersOf(calls[2])[CSRF_HEADER]).toBe('rotated');
    expect(calls[2].init.body).toBeUndefined();
  });

  it('encodes path segments and builds the audit and key queries', async () => {
    const { fetch, calls } = fakeFetch(
      json(200, {}),
      json(200, { items: [], nextCursor: null }),
      json(200, { items: [] }),
    );
    const api = new AdminApi({ fetch, cookies: () => '' });
    await api.getUser('a/b');
    await api.listAuditEvents({
      action: 'key.deleted',
      actor: 'alice',
      actorType: 'user',
      after: 40,
      limit: 50,
      order: 'desc',
    });
    await api.listKeys({ status: 'deleted', username: undefined, offset: 25, limit: 25 });
    expect(calls.map((c) => c.url)).toEqual([
      '/api/users/a%2Fb',
      '/api/audit/events?action=key.deleted&actor=alice&actorType=user&after=40&limit=50&order=desc',
      '/api/keys?status=deleted&offset=25&limit=25',
    ]);
    expect(api.exportUrl('csv')).toBe('/api/audit/export?format=csv');
  });

  it('reports an ended session on a 401, but not for a failed login', async () => {
    const expired = jest.fn();
    const { fetch } = fakeFetch(
      json(401, {
        error: { code: 'invalid_credentials', message: 'invalid username or password' },
      }),
      json(401, { error: { code: 'not_authenticated', message: 'log in first' } }),
    );
    const api = new AdminApi({ fetch, cookies: () => '', onSessionExpired: expired });
    await expect(api.login('a', 'b')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(expired).not.toHaveBeenCalled();
    await expect(api.overview()).rejects.toBeInstanceOf(ApiError);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('turns a proxy error page and a network failure into typed errors', async () => {
    const { fetch } = fakeFetch(
      new Response('<html>Bad gateway</html>', {
        status: 502,
        headers: { 'Content-Type': 'text/html' },
      }),
    );
    const api = new AdminApi({ fetch, cookies: () => '' });
    await expect(api.verifyAudit()).rejects.toMatchObject({
      status: 502,
      code: 'unexpected_response',
    });
    await expect(api.verifyAudit()).rejects.toBeInstanceOf(NetworkError);
  });

  it('passes retryAfterSeconds through', async () => {
    const { fetch } = fakeFetch(
      json(
        429,
        { error: { code: 'too_many_attempts', message: 'locked', retryAfterSeconds: 60 } },
        { 'Retry-After': '60' },
      ),
    );
    const api = new AdminApi({ fetch, cookies: () => '' });
    await expect(api.login('a', 'b')).rejects.toMatchObject({ retryAfterSeconds: 60 });
  });
});

describe('buildQuery and readCookie', () => {
  it('skips undefined, null and blank values and trims the rest', () => {
    expect(buildQuery({ a: undefined, b: null, c: '  ', d: ' x y ', e: 0 })).toBe('?d=x+y&e=0');
    expect(buildQuery({})).toBe('');
  });

  it('finds one cookie among many, decoding it', () => {
    expect(readCookie('a=1; dss_csrf=x%3Dy; b=2', 'dss_csrf')).toBe('x=y');
    expect(readCookie('xdss_csrf=1', 'dss_csrf')).toBeUndefined();
    expect(readCookie('', 'dss_csrf')).toBeUndefined();
    expect(readCookie('dss_csrf=%E0%A4%A', 'dss_csrf')).toBe('%E0%A4%A');
  });
});
