import { DependencyUnavailableError, ManualClock } from '@dss/common';
import { randomBytes } from 'node:crypto';
import { type OwnRedis, startOwnRedis } from '@dss/testing/redis-server';
import { b64uEncode } from '../protocol';
import { createRedisSessionStore, type RedisSessionStore } from './redis-session-store';
import { ReplayWindow } from './replay-window';
import { type ChannelSession } from './session';
import { SessionBox } from './session-box';

function session(now: number, ttl = 100): ChannelSession {
  const sessionId = randomBytes(16);
  return {
    id: b64uEncode(sessionId),
    sessionId,
    keys: {
      k_c2s: randomBytes(32),
      k_s2c: randomBytes(32),
      iv_c2s: randomBytes(12),
      iv_s2c: randomBytes(12),
    },
    createdAt: now,
    expiresAt: now + ttl * 1000,
    lastSeenAt: now,
    state: 'open',
  };
}

/** Deterministic pseudo-random integers (xorshift32), so a failure can be replayed. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('RedisSessionStore (real redis-server)', () => {
  let redis: OwnRedis;
  const stores: RedisSessionStore[] = [];
  const sealingKey = randomBytes(32);
  const limits = { ttlSeconds: 100, idleSeconds: 30, maxSessions: 3, replayWindow: 64 };

  /** A store as one instance of a fleet has it: its own connection, the shared prefix. */
  const open = async (
    clock = new ManualClock(Date.now()),
    prefix = 'unit:',
    over: Partial<typeof limits> = {},
  ): Promise<RedisSessionStore> => {
    const store = createRedisSessionStore({
      url: redis.url,
      keyPrefix: prefix,
      timeoutMs: 500,
      sealingKey,
      clock,
      limits: { ...limits, ...over },
    });
    stores.push(store);
    expect(await store.waitUntilReady(5000)).toBe(true);
    return store;
  };

  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await redis.close();
  });

  it('serves a session created through one instance to another, keys intact', async () => {
    const clock = new ManualClock(Date.now());
    const [a, b] = [await open(clock, 'p1:'), await open(clock, 'p1:')];
    const s = session(clock.now());
    expect(await a.create(s)).toBe(true);
    const found = await b.lookupFresh(s.id, 1);
    expect(found.status).toBe('ok');
    if (found.status !== 'ok') return;
    expect(found.fresh).toBe(true);
    expect(found.session.keys.k_c2s.equals(s.keys.k_c2s)).toBe(true);
    expect(found.session.keys.iv_s2c.equals(s.keys.iv_s2c)).toBe(true);
    await b.setState(s.id, 'authenticated', { userId: 7, username: 'alice' });
    const again = await a.lookup(s.id);
    expect(again.status === 'ok' && again.session).toMatchObject({
      state: 'authenticated',
      userId: 7,
      username: 'alice',
      authenticatedAt: clock.now(),
    });
    await a.destroy(s.id);
    expect((await b.lookup(s.id)).status).toBe('unknown');
    expect(await b.acceptSeq(s.id, 1)).toBe('unknown');
  });

  it('holds no session key in the clear: every value in Redis is free of the key bytes', async () => {
    const store = await open(undefined, 'p2:');
    const s = session(Date.now());
    await store.create(s);
    await store.setState(s.id, 'authenticated', { userId: 1, username: 'bob' });
    await store.acceptSeq(s.id, 1);
    const keys = await store.redis.keys('p2:*');
    expect(keys.length).toBeGreaterThanOrEqual(3);
    const dump: Buffer[] = [];
    for (const key of keys) {
      const type = await store.redis.type(key);
      if (type === 'hash') dump.push(...Object.values(await store.redis.hgetallBuffer(key)));
      else if (type === 'string') dump.push((await store.redis.getBuffer(key))!);
      else dump.push(Buffer.from((await store.redis.zrange(key, 0, -1)).join()));
    }
    const all = Buffer.concat(dump);
    for (const secret of Object.values(s.keys) as Buffer[]) {
      expect(all.includes(secret)).toBe(false);
      expect(all.includes(Buffer.from(secret.toString('base64')))).toBe(false);
    }
    expect(all.includes(Buffer.from('bob'))).toBe(false);
  });

  it('a box opens only under its key and for its own session id (AAD)', () => {
    const s = session(Date.now());
    const box = new SessionBox(sealingKey).seal(s);
    expect(new SessionBox(sealingKey).open(s.id, s.sessionId, box, 0)?.keys.k_c2s).toEqual(
      s.keys.k_c2s,
    );
    expect(new SessionBox(randomBytes(32)).open(s.id, s.sessionId, box, 0)).toBeNull();
    expect(new SessionBox(sealingKey).open(s.id, randomBytes(16), box, 0)).toBeNull();
    const tampered = Buffer.from(box);
    tampered[20] ^= 1;
    expect(new SessionBox(sealingKey).open(s.id, s.sessionId, tampered, 0)).toBeNull();
  });

  it('a record copied onto another session id is unknown there', async () => {
    const store = await open(undefined, 'p3:');
    const s = session(Date.now());
    const t = session(Date.now());
    await store.create(s);
    await store.create(t);
    const box = await store.redis.hgetBuffer(`p3:s:${s.id}`, 'b');
    await store.redis.hset(`p3:s:${t.id}`, 'b', box!);
    expect((await store.lookup(t.id)).status).toBe('unknown');
  });

  it('keeps the RFC 4303 window exactly as ReplayWindow does (2000 random seqs)', async () => {
    const store = await open(undefined, 'p4:');
    const s = session(Date.now());
    await store.create(s);
    const reference = new ReplayWindow(64);
    const next = xorshift(20261201);
    let high = 0;
    for (let i = 0; i < 2000; i++) {
      const r = next();
      // Mostly near the top of the window, some far ahead, some far behind.
      const seq = Math.max(
        1,
        r < 0.1 ? high + 1 + Math.floor(next() * 200) : high - 70 + Math.floor(next() * 80),
      );
      const fresh = await store.lookupFresh(s.id, seq);
      expect(fresh.status === 'ok' && fresh.fresh).toBe(reference.check(seq));
      const outcome = await store.acceptSeq(s.id, seq);
      expect(outcome).toBe(reference.accept(seq) ? 'accepted' : 'replayed');
      high = reference.high;
    }
  });

  it('accepts one seq exactly once when 60 copies race through three instances', async () => {
    const [a, b, c] = [
      await open(undefined, 'p5:'),
      await open(undefined, 'p5:'),
      await open(undefined, 'p5:'),
    ];
    const s = session(Date.now());
    await a.create(s);
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => [a, b, c][i % 3].acceptSeq(s.id, 42)),
    );
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'replayed')).toHaveLength(59);
  });

  it('applies the idle timeout and the absolute lifetime with the injected clock', async () => {
    const clock = new ManualClock(Date.now());
    const store = await open(clock, 'p6:');
    const s = session(clock.now());
    await store.create(s);
    clock.advance(29_000);
    expect((await store.lookup(s.id)).status).toBe('ok');
    expect(await store.acceptSeq(s.id, 1)).toBe('accepted'); // refreshes the idle timer
    clock.advance(29_000);
    expect((await store.lookup(s.id)).status).toBe('ok');
    clock.advance(30_000);
    expect((await store.lookup(s.id)).status).toBe('expired');
    const busy = session(clock.now());
    await store.create(busy);
    for (let i = 1; i <= 4; i++) {
      clock.advance(25_000);
      await store.acceptSeq(busy.id, i);
    }
    expect((await store.lookup(busy.id)).status).toBe('expired');
  });

  it('bounds live sessions across instances, making room from expired and ended ones', async () => {
    const clock = new ManualClock(Date.now());
    const [a, b] = [await open(clock, 'p7:'), await open(clock, 'p7:')];
    const [s1, s2, s3, s4] = [1, 2, 3, 4].map(() => session(clock.now()));
    expect(await a.create(s1)).toBe(true);
    expect(await b.create(s2)).toBe(true);
    expect(await a.create(s3)).toBe(true);
    expect(await b.create(s4)).toBe(false);
    expect(await a.size()).toBe(3);
    await b.destroy(s1.id);
    expect(await b.create(s4)).toBe(true);
    clock.advance(31_000); // all idle now
    expect(await a.create(session(clock.now()))).toBe(true);
  });

  it('shares rate-limit buckets between instances', async () => {
    const clock = new ManualClock(Date.now());
    const [a, b] = [await open(clock, 'p8:'), await open(clock, 'p8:')];
    const la = a.rateLimits()('login', 60); // burst 10, one a second
    const lb = b.rateLimits()('login', 60);
    const waits = [];
    for (let i = 0; i < 10; i++) waits.push(await (i % 2 ? la : lb).take('10.0.0.1'));
    expect(waits.every((w) => w === 0)).toBe(true);
    expect(await la.take('10.0.0.1')).toBe(1);
    expect(await lb.take('10.0.0.2')).toBe(0);
    clock.advance(1000);
    expect(await lb.take('10.0.0.1')).toBe(0);
    expect(await a.rateLimits()('off', 0).take('x')).toBe(0);
  });

  /** Counts the commands `store` sends to Redis while `work` runs. */
  async function roundTrips(
    store: RedisSessionStore,
    work: () => Promise<unknown>,
  ): Promise<number> {
    const redisClient = store.redis as unknown as { callBuffer: (...args: unknown[]) => unknown };
    const original = redisClient.callBuffer;
    let calls = 0;
    redisClient.callBuffer = (...args: unknown[]) => {
      calls++;
      return original.apply(store.redis, args);
    };
    try {
      await work();
    } finally {
      redisClient.callBuffer = original;
    }
    return calls;
  }

  it('a sealed request on a session this instance knows costs one round trip, not two', async () => {
    const store = await open(undefined, 'p10:', { maxSessions: 10 });
    const s = session(Date.now());
    await store.create(s);
    expect(await roundTrips(store, () => store.lookupFresh(s.id, 1))).toBe(1);
    expect(await roundTrips(store, () => store.acceptSeq(s.id, 1))).toBe(1);
    for (let seq = 2; seq <= 5; seq++) {
      expect(await roundTrips(store, () => store.lookupFresh(s.id, seq))).toBe(0);
      expect(await roundTrips(store, () => store.acceptSeq(s.id, seq))).toBe(1);
    }
    // Its own replays are refused before the payload is opened, without Redis.
    const replay = await store.lookupFresh(s.id, 3);
    expect(replay.status === 'ok' && replay.fresh).toBe(false);
    // lookup() is the authority, never the copy.
    expect(await roundTrips(store, () => store.lookup(s.id))).toBe(1);
  });

  it('a change of state on another instance reaches the cached session at its next accept', async () => {
    const clock = new ManualClock(Date.now());
    const [a, b] = [await open(clock, 'p11:', { maxSessions: 10 }), await open(clock, 'p11:')];
    const s = session(clock.now());
    await a.create(s);
    const first = await a.lookupFresh(s.id, 1);
    if (first.status !== 'ok') throw new Error('no session');
    expect(await a.acceptSeq(s.id, 1)).toBe('accepted');
    await b.setState(s.id, 'authenticated', { userId: 7, username: 'alice' });
    // The local copy answers the lookup with the old state; the accept brings the new one, into
    // the very object the request holds.
    const second = await a.lookupFresh(s.id, 2);
    if (second.status !== 'ok') throw new Error('no session');
    expect(second.local).toBe(true);
    expect(second.session).toBe(first.session);
    expect(await a.acceptSeq(s.id, 2)).toBe('accepted');
    expect(second.session).toMatchObject({ state: 'authenticated', userId: 7, username: 'alice' });
    // And back: the session ends its login elsewhere.
    await b.setState(s.id, 'open');
    await a.lookupFresh(s.id, 3);
    expect(await a.acceptSeq(s.id, 3)).toBe('accepted');
    expect(second.session.state).toBe('open');
    expect(second.session.userId).toBeUndefined();
  });

  it('a session ended or expired elsewhere is refused at the accept, even when cached', async () => {
    const clock = new ManualClock(Date.now());
    const [a, b] = [await open(clock, 'p12:', { maxSessions: 10 }), await open(clock, 'p12:')];
    const [s, t] = [session(clock.now()), session(clock.now())];
    await a.create(s);
    await a.create(t);
    await a.lookupFresh(s.id, 1);
    await a.lookupFresh(t.id, 1);
    await b.destroy(s.id);
    expect((await a.lookupFresh(s.id, 1)).status).toBe('ok'); // the copy cannot know…
    expect(await a.acceptSeq(s.id, 1)).toBe('unknown'); // …the accept does
    expect((await a.lookupFresh(s.id, 2)).status).toBe('unknown');
    // Kept alive by another instance: the copy's idle timer is older, so it asks Redis.
    clock.advance(25_000);
    expect(await b.acceptSeq(t.id, 1)).toBe('accepted');
    clock.advance(10_000);
    const alive = await a.lookupFresh(t.id, 2);
    expect(alive.status === 'ok' && alive.local).toBeFalsy();
    expect(alive.status).toBe('ok');
    // Past the idle timeout everywhere: expired, from the copy's accept as from a lookup.
    expect(await a.acceptSeq(t.id, 2)).toBe('accepted');
    clock.advance(31_000);
    expect(await a.acceptSeq(t.id, 3)).toBe('expired');
    expect((await a.lookupFresh(t.id, 3)).status).toBe('expired');
  });

  it('a seq accepted on another instance is refused at the accept of a cached session', async () => {
    const [a, b] = [
      await open(undefined, 'p13:', { maxSessions: 10 }),
      await open(undefined, 'p13:'),
    ];
    const s = session(Date.now());
    await a.create(s);
    await a.lookupFresh(s.id, 1);
    expect(await b.acceptSeq(s.id, 5)).toBe('accepted');
    const provisional = await a.lookupFresh(s.id, 5);
    expect(provisional.status === 'ok' && provisional.fresh).toBe(true);
    expect(await a.acceptSeq(s.id, 5)).toBe('replayed');
    const known = await a.lookupFresh(s.id, 5);
    expect(known.status === 'ok' && known.fresh).toBe(false);
    const authority = await a.lookupFresh(s.id, 5, true);
    expect(authority.status === 'ok' && authority.fresh).toBe(false);
  });

  it('fails closed with DependencyUnavailableError while Redis is away, then recovers', async () => {
    const own = await startOwnRedis();
    const store = createRedisSessionStore({
      url: own.url,
      keyPrefix: 'p9:',
      timeoutMs: 300,
      sealingKey,
      limits,
    });
    stores.push(store);
    try {
      expect(await store.waitUntilReady(5000)).toBe(true);
      const s = session(Date.now());
      await store.create(s);
      own.pause();
      const started = Date.now();
      await expect(store.acceptSeq(s.id, 1)).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(Date.now() - started).toBeLessThan(5000);
      own.resume();
      await own.stop();
      await expect(store.lookupFresh(s.id, 1)).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(store.ping()).rejects.toBeInstanceOf(DependencyUnavailableError);
      await own.start();
      await store.waitUntilReady(10_000);
      await expect(store.ping()).resolves.toBeUndefined();
      // A restarted Redis without persistence has forgotten the session: unknown, never accepted.
      expect(await store.acceptSeq(s.id, 1)).toBe('unknown');
    } finally {
      await own.close();
    }
  });
});
