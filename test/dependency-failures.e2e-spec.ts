/**
 * Failures are answers (DESIGN.md §9): with Redis or the database stopped or frozen under load,
 * the employee API and the admin app answer `503 unavailable` with `Retry-After` within the
 * configured timeouts — never a 500, a hang or an accepted replay — `/readyz` names what is down,
 * and service comes back on its own. Redis and MariaDB here are the test's own processes.
 */
import { DssClient } from '@dss/client';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import request from 'supertest';
import { type RunningAdmin, startAdmin } from './support/admin-server';
import { type TestDatabase } from './support/database';
import { dssAdmin } from './support/dss-admin';
import { type RunningDss, startDss } from './support/dss-server';
import { type OwnMariadb, startOwnMariadb } from './support/mariadb-server';
import { codeOf, RawSession } from './support/raw-session';
import { type OwnRedis, startOwnRedis } from './support/redis-server';

const PASSWORD = 'outage-proof signing key 4';
const REDIS_TIMEOUT_MS = 500;
const DATABASE_TIMEOUT_MS = 1500;
/** An answer within the timeout: a frozen query may take two (connection, then query), plus slack. */
const ANSWER_BOUND_MS = 2 * DATABASE_TIMEOUT_MS + 2500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis and the database failing under load (e2e)', () => {
  let redis: OwnRedis;
  let maria: OwnMariadb;
  let database: TestDatabase;
  let server: RunningDss;
  let admin: RunningAdmin;
  let serverKey: KeyObject;

  const loggedIn = async (): Promise<RawSession> => {
    const session = await RawSession.open(server.url, serverKey);
    const login = await session.call(server.url, '/v1/auth/login', {
      username: 'alice',
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    return session;
  };

  const sign = (session: RawSession, text = 'an invoice') =>
    session.call(server.url, '/v1/signatures', {
      document: Buffer.from(text).toString('base64url'),
    });

  /** Runs `workers` loops of `work` while `during` runs; every status with its duration. */
  const underLoad = async (
    work: () => Promise<number>,
    during: () => Promise<void>,
    workers = 4,
  ): Promise<{ status: number; ms: number }[]> => {
    const seen: { status: number; ms: number }[] = [];
    const errors: unknown[] = [];
    let stop = false;
    const loop = async (): Promise<void> => {
      while (!stop) {
        const started = Date.now();
        const status = await work().catch((err: unknown) => {
          errors.push(err);
          return 0;
        });
        seen.push({ status, ms: Date.now() - started });
      }
    };
    const loops = Array.from({ length: workers }, () => loop());
    try {
      await during();
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    expect(errors).toEqual([]);
    return seen;
  };

  const waitReady = async (ms: number): Promise<void> => {
    const deadline = Date.now() + ms;
    while ((await request(server.url).get('/readyz')).status !== 200) {
      if (Date.now() > deadline) throw new Error('the service did not become ready again');
      await sleep(200);
    }
  };

  const signatures = async (): Promise<number> => {
    const c = await createConnection({ host: '127.0.0.1', port: maria.port, user: 'root' });
    try {
      const [rows] = await c.query(
        "SELECT COUNT(*) AS n FROM dss.audit_events WHERE action = 'signature.issued'",
      );
      return Number((rows as { n: number | string }[])[0].n);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    [redis, maria] = await Promise.all([startOwnRedis(), startOwnMariadb()]);
    const dataDir = await mkdtemp(join(tmpdir(), 'dss-failures-'));
    database = {
      databaseUrl: maria.databaseUrl,
      dataDir,
      engine: 'mysql',
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
    const env = {
      DSS_REDIS_URL: redis.url,
      DSS_REDIS_KEY_PREFIX: 'failures:',
      DSS_REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
      DSS_DATABASE_TIMEOUT_MS: String(DATABASE_TIMEOUT_MS),
      DSS_LOGIN_RATE_LIMIT: '0',
    };
    server = await startDss({ database, env });
    admin = await startAdmin({ database, env });
    serverKey = createPublicKey(server.identity.publicKeyPem);
    const added = await dssAdmin(['users', 'add', 'alice', '--json'], {
      DSS_DATA_DIR: dataDir,
      DSS_DATABASE_URL: maria.databaseUrl,
    });
    expect(added.code).toBe(0);
    const { temporaryPassword } = added.json<{ temporaryPassword: string }>();
    const client = new DssClient({ baseUrl: server.url, serverPublicKey: serverKey });
    await client.login('alice', temporaryPassword);
    await client.changePassword(temporaryPassword, PASSWORD);
    await client.login('alice', PASSWORD);
    await client.createKeys();
    await client.logout();
  }, 120_000);

  afterAll(async () => {
    maria?.resume();
    redis?.resume();
    await admin?.close();
    await server?.close();
    await Promise.all([redis?.close(), maria?.close()]);
    await database?.drop();
  });

  it('Redis stopped under load → 503 unavailable, no 500, no replay accepted; recovery on restart', async () => {
    const session = await loggedIn();
    const spent = session.envelope('/v1/keys/public');
    expect((await session.send(server.url, spent)).status).toBe(200);

    const seen = await underLoad(
      async () => (await sign(session)).status,
      async () => {
        await sleep(500);
        await redis.stop();
        await sleep(1000);
        const replay = await session.send(server.url, spent);
        expect(replay).toMatchObject({ status: 503, sealed: false });
        expect(codeOf(replay)).toBe('unavailable');
        expect(replay.headers.get('retry-after')).toBe('5');
        const handshake = await request(server.url)
          .post('/v1/handshake')
          .send({ version: 1, clientPublicKey: 'x', clientNonce: 'y' });
        expect(handshake.status).toBe(503);
        const ready = await request(server.url).get('/readyz');
        expect(ready.status).toBe(503);
        expect(ready.body.error).toMatchObject({ code: 'unavailable', down: 'redis' });
        await redis.start();
        await waitReady(15_000);
      },
    );
    expect(seen.filter((s) => s.status === 503).length).toBeGreaterThan(0);
    // 200 before, 503 while Redis was away, 401 once it came back empty (no persistence).
    expect(seen.filter((s) => ![200, 503, 401].includes(s.status))).toEqual([]);
    expect(seen.filter((s) => s.ms >= ANSWER_BOUND_MS)).toEqual([]);

    // The restarted Redis knows no session: the spent request is still refused, never accepted.
    const again = await session.send(server.url, spent);
    expect(again.status).toBe(401);
    expect(codeOf(again)).toBe('unknown_session');
    expect((await sign(await loggedIn(), 'after the outage')).status).toBe(200);
  });

  it('MariaDB stopped under load → 503 unavailable, no 500; recovery; nothing acknowledged is lost', async () => {
    const session = await loggedIn();
    const before = await signatures();
    const seen = await underLoad(
      async () => (await sign(session)).status,
      async () => {
        await sleep(700);
        await maria.stop();
        await sleep(2000);
        const started = Date.now();
        const ready = await request(server.url).get('/readyz');
        expect(Date.now() - started).toBeLessThan(DATABASE_TIMEOUT_MS + 1500);
        expect(ready.status).toBe(503);
        expect(ready.body.error).toMatchObject({ code: 'unavailable', down: 'database' });
        await maria.start();
        await waitReady(30_000);
        await sleep(500);
      },
    );
    const acknowledged = seen.filter((s) => s.status === 200).length;
    const refused = seen.filter((s) => s.status === 503).length;
    expect(refused).toBeGreaterThan(0);
    expect(seen.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
    expect(seen.filter((s) => s.ms >= ANSWER_BOUND_MS)).toEqual([]);
    // Every signature answered 200 has its audit record; none was recorded without an answer
    // beyond the ones whose commit outcome the outage hid.
    const recorded = (await signatures()) - before;
    expect(recorded).toBeGreaterThanOrEqual(acknowledged);
    expect(recorded).toBeLessThanOrEqual(acknowledged + refused);
    expect((await sign(session, 'after the restart')).status).toBe(200);
  });

  it('MariaDB frozen → login, SignDoc, /readyz and the admin login answer 503 within the timeout', async () => {
    const signer = await loggedIn();
    const fresh = await RawSession.open(server.url, serverKey);
    maria.pause();
    try {
      const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
        const started = Date.now();
        const result = await work();
        return [result, Date.now() - started];
      };
      const [login, loginMs] = await timed(() =>
        fresh.call(server.url, '/v1/auth/login', { username: 'alice', password: PASSWORD }),
      );
      expect(login.status).toBe(503);
      expect(codeOf(login)).toBe('unavailable');
      // Sealed, and still with the Retry-After header HTTP clients and proxies read.
      expect(login.sealed).toBe(true);
      expect(login.headers.get('retry-after')).toBe('5');
      expect(loginMs).toBeLessThan(ANSWER_BOUND_MS);

      const [signed, signMs] = await timed(() => sign(signer, 'frozen'));
      expect(signed.status).toBe(503);
      expect(signed.headers.get('retry-after')).toBe('5');
      expect(signMs).toBeLessThan(ANSWER_BOUND_MS);

      const [ready, readyMs] = await timed(() => request(server.url).get('/readyz'));
      expect(ready.status).toBe(503);
      expect(ready.body.error).toMatchObject({ down: 'database' });
      expect(readyMs).toBeLessThan(DATABASE_TIMEOUT_MS + 1500);

      const [operator, operatorMs] = await timed(() =>
        request(admin.url)
          .post('/api/auth/login')
          .send({ username: 'admin', password: 'not the password at all' }),
      );
      expect(operator.status).toBe(503);
      expect(operator.body.error.code).toBe('unavailable');
      expect(operator.headers['retry-after']).toBe('5');
      expect(operatorMs).toBeLessThan(ANSWER_BOUND_MS);
    } finally {
      maria.resume();
    }
    await waitReady(30_000);
    expect((await sign(await loggedIn(), 'thawed')).status).toBe(200);
  });
});
