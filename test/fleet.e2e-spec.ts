/**
 * DSS as a fleet (DESIGN.md §9): three instances of the built service, one Redis of the test's
 * own, one MariaDB database, behind a real HAProxy in round-robin. A client's session, its
 * replay window and every revocation hold for the whole fleet, whichever instance answers.
 *
 * Needs MariaDB/MySQL (DSS_DATABASE_URL=mysql://…): the SQLite file cannot be shared by three
 * processes as a fleet's database. CI runs it in its MariaDB pass.
 */
import { DssClient } from '@dss/client';
import { engineOf } from '@dss/persistence';
import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createTestDatabase, type TestDatabase } from './support/database';
import { dssAdmin } from './support/dss-admin';
import { type RunningHaproxy, startFleetHaproxy } from './support/haproxy';
import { codeOf, RawSession } from './support/raw-session';
import { type OwnRedis, startOwnRedis } from './support/redis-server';
import { freePort, type Spawned, spawnNode } from './support/spawn';

const ENTRY = 'dist/apps/dss/src/main.js';
const PASSWORD = 'fleet-wide harbour lantern 9';
const onMysql = engineOf(process.env.DSS_DATABASE_URL) === 'mysql';
const describeFleet = onMysql ? describe : describe.skip;

interface Instance {
  name: string;
  url: string;
  process: Spawned;
}

async function countAudit(databaseUrl: string, action: string): Promise<number> {
  const url = new URL(databaseUrl);
  const connection = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  });
  try {
    const [rows] = await connection.query(
      'SELECT COUNT(*) AS n FROM audit_events WHERE action = ?',
      [action],
    );
    return Number((rows as { n: number | string }[])[0].n);
  } finally {
    await connection.end();
  }
}

// Needs MariaDB or MySQL: set DSS_DATABASE_URL=mysql://… (the CI's MariaDB pass does).
describeFleet(
  'three instances on one Redis and one MariaDB behind HAProxy (e2e; needs DSS_DATABASE_URL=mysql://…)',
  () => {
    let database: TestDatabase;
    let redis: OwnRedis;
    let proxy: RunningHaproxy;
    const instances: Instance[] = [];
    let env: { DSS_DATA_DIR: string; DSS_DATABASE_URL: string } & Record<string, string>;
    let serverKey: ReturnType<typeof createPublicKey>;
    let serverKeyPem: string;

    const startInstance = async (name: string): Promise<Instance> => {
      const port = await freePort();
      const process = spawnNode([ENTRY], { ...env, DSS_PORT: String(port) });
      await process.waitFor(/listening on/, 60_000);
      return { name, url: `http://127.0.0.1:${port}`, process };
    };

    /** A logged-in user with a key, registered through the operator command line. */
    const readyUser = async (username: string): Promise<void> => {
      const added = await dssAdmin(['users', 'add', username, '--json'], env);
      expect(added.code).toBe(0);
      const { temporaryPassword } = added.json<{ temporaryPassword: string }>();
      const client = new DssClient({ baseUrl: proxy.url, serverPublicKey: serverKeyPem });
      await client.login(username, temporaryPassword);
      await client.changePassword(temporaryPassword, PASSWORD);
      await client.login(username, PASSWORD);
      await client.createKeys();
      await client.logout();
    };

    /** A raw session through the proxy, logged in as `username`. */
    const loggedIn = async (username: string): Promise<RawSession> => {
      const session = await RawSession.open(proxy.url, serverKey);
      const login = await session.call(proxy.url, '/v1/auth/login', {
        username,
        password: PASSWORD,
      });
      expect(login.status).toBe(200);
      return session;
    };

    beforeAll(async () => {
      database = await createTestDatabase();
      redis = await startOwnRedis();
      env = {
        DSS_HOST: '127.0.0.1',
        DSS_DATA_DIR: database.dataDir,
        DSS_DATABASE_URL: database.databaseUrl!,
        DSS_REDIS_URL: redis.url,
        DSS_REDIS_KEY_PREFIX: 'fleet:',
        // What must be identical on every instance: master key, pepper, server key file.
        DSS_MASTER_KEY: randomBytes(32).toString('hex'),
        DSS_PEPPER: randomBytes(32).toString('base64url'),
        DSS_LOG_LEVEL: 'warn',
        DSS_BCRYPT_COST: '10',
        DSS_BCRYPT_THREADS: '1',
      };
      // The first instance creates the schema and the server key; the others share them.
      instances.push(await startInstance('dss1'));
      instances.push(...(await Promise.all([startInstance('dss2'), startInstance('dss3')])));
      serverKeyPem = readFileSync(join(database.dataDir, 'dss_public.pem'), 'utf8');
      serverKey = createPublicKey(serverKeyPem);
      proxy = await startFleetHaproxy(instances.map((i) => i.url.replace('http://', '')));
      await readyUser('alice');
    }, 180_000);

    afterAll(async () => {
      await proxy?.close();
      await Promise.all(instances.map((i) => i.process.stop()));
      await redis?.close();
      await database?.drop();
    });

    it('one handshake serves a client whose requests land on all three instances', async () => {
      const servedBy = new Set<string>();
      const recordingFetch: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        const by = res.headers.get('x-served-by');
        if (by) servedBy.add(by);
        return res;
      };
      const client = new DssClient({
        baseUrl: proxy.url,
        serverPublicKey: serverKeyPem,
        fetch: recordingFetch,
      });
      await client.handshake();
      servedBy.clear(); // count only the requests after the one handshake
      await client.login('alice', PASSWORD);
      for (let i = 0; i < 8; i++) {
        const signed = await client.sign({ document: Buffer.from(`fleet document ${i}`) });
        expect(signed.signature.length).toBeGreaterThan(0);
      }
      expect([...servedBy].sort()).toEqual(['dss1', 'dss2', 'dss3']);
      await client.logout();
    });

    it('a sealed request replayed to another instance → 409 replayed', async () => {
      const session = await loggedIn('alice');
      const envelope = session.envelope('/v1/keys/public', {});
      const first = await session.send(instances[0].url, envelope);
      expect(first.status).toBe(200);
      for (const other of instances.slice(1)) {
        const replay = await session.send(other.url, envelope);
        expect(replay).toMatchObject({ status: 409, sealed: false });
        expect(codeOf(replay)).toBe('replayed');
      }
    });

    it('a tampered copy of a spent seq, on instances that hold the session → 409 replayed, not 400', async () => {
      const session = await loggedIn('alice');
      // Every instance has served (and so holds) this session before.
      for (const instance of instances)
        expect((await session.call(instance.url, '/v1/keys/public')).status).toBe(200);
      const envelope = session.envelope('/v1/keys/public', {});
      expect((await session.send(instances[0].url, envelope)).status).toBe(200);
      const payload = envelope.wire.payload;
      const flipped = `${payload[0] === 'A' ? 'B' : 'A'}${payload.slice(1)}`;
      const tampered = { ...envelope, wire: { ...envelope.wire, payload: flipped } };
      // The seq check comes before the AEAD open (PROTOCOL.md §3.1), whichever copy answers.
      for (const other of instances.slice(1)) {
        const replay = await session.send(other.url, tampered);
        expect(replay).toMatchObject({ status: 409, sealed: false });
        expect(codeOf(replay)).toBe('replayed');
      }
      // A fresh seq with a tampered payload is what fails to authenticate.
      const next = session.envelope('/v1/keys/public', {});
      const bad = `${next.wire.payload[0] === 'A' ? 'B' : 'A'}${next.wire.payload.slice(1)}`;
      const answer = await session.send(instances[1].url, {
        ...next,
        wire: { ...next.wire, payload: bad },
      });
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe('decrypt_failed');
    });

    it('50 concurrent copies of one sealed SignDoc over the fleet → exactly one 200 and one audit event', async () => {
      const session = await loggedIn('alice');
      const before = await countAudit(database.databaseUrl!, 'signature.issued');
      const envelope = session.envelope('/v1/signatures', {
        document: Buffer.from('pay 100 to bob, once').toString('base64url'),
      });
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          session.send(i % 2 === 0 ? proxy.url : instances[i % 3].url, envelope),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      expect(answers.filter((a) => a.status === 409).every((a) => codeOf(a) === 'replayed')).toBe(
        true,
      );
      expect(await countAudit(database.databaseUrl!, 'signature.issued')).toBe(before + 1);
    });

    it('logout through one instance → 401 on the others at once', async () => {
      const session = await loggedIn('alice');
      // Every instance has served this session before the logout.
      for (const instance of instances)
        expect((await session.call(instance.url, '/v1/keys/public')).status).toBe(200);
      expect((await session.call(instances[0].url, '/v1/auth/logout')).status).toBe(200);
      for (const other of instances.slice(1)) {
        const after = await session.call(other.url, '/v1/keys/public');
        expect(after.status).toBe(401);
        expect(codeOf(after)).toBe('unknown_session');
      }
    });

    it('DeleteKeys through one instance → SignDoc through each other instance refused at once', async () => {
      await readyUser('bob');
      const session = await loggedIn('bob');
      const doc = { document: Buffer.from('warm the caches').toString('base64url') };
      // Every instance signs once first: its key index and unwrapped-key cache hold bob's key.
      for (const instance of instances)
        expect((await session.call(instance.url, '/v1/signatures', doc)).status).toBe(200);
      const deleted = await session.call(instances[0].url, '/v1/keys', {}, 'DELETE');
      expect(deleted.status).toBe(200);
      for (const other of instances.slice(1)) {
        const refused = await session.call(other.url, '/v1/signatures', doc);
        expect(refused.status).toBe(404);
        expect(codeOf(refused)).toBe('no_key');
      }
    });

    it('disable and password reset through the operator tools end the login on every instance', async () => {
      await readyUser('carol');
      for (const [revoke, restore] of [
        [
          ['users', 'disable', 'carol'],
          ['users', 'enable', 'carol'],
        ],
        [['users', 'reset-password', 'carol'], undefined],
      ] as const) {
        const session = await loggedIn('carol');
        for (const instance of instances)
          expect((await session.call(instance.url, '/v1/keys/public')).status).toBe(200);
        expect((await dssAdmin([...revoke], env)).code).toBe(0);
        for (const instance of instances) {
          const ended = await session.call(instance.url, '/v1/keys/public');
          expect(ended).toMatchObject({ status: 401, sealed: true });
          expect(codeOf(ended)).toBe('not_authenticated');
        }
        if (restore) expect((await dssAdmin([...restore], env)).code).toBe(0);
      }
    });

    it('one instance killed under load → the others go on, only in-flight requests fail', async () => {
      const session = await loggedIn('alice');
      const outcomes: { status: number; at: number }[] = [];
      let killedAt = Number.POSITIVE_INFINITY;
      let stop = false;
      const worker = async (): Promise<void> => {
        while (!stop) {
          const answer = await session
            .call(proxy.url, '/v1/keys/public')
            .catch(() => ({ status: 0 }));
          outcomes.push({ status: answer.status, at: Date.now() });
        }
      };
      const workers = Array.from({ length: 6 }, () => worker());
      await new Promise((r) => setTimeout(r, 1500));
      killedAt = Date.now();
      instances[2].process.child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 2500));
      stop = true;
      await Promise.all(workers);
      const failed = outcomes.filter((o) => o.status !== 200);
      // At most the requests in flight on the killed instance (one per worker) fail…
      expect(failed.length).toBeLessThanOrEqual(6);
      expect(failed.every((o) => o.at >= killedAt)).toBe(true);
      // …and the fleet kept answering after the kill.
      const after = outcomes.filter((o) => o.at > killedAt + 1000);
      expect(after.length).toBeGreaterThan(20);
      expect(after.every((o) => o.status === 200)).toBe(true);
    });
  },
);
