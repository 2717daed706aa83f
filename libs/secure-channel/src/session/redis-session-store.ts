import { type Clock, DependencyUnavailableError, systemClock } from '@dss/common';
import { Redis } from 'ioredis';
import { b64uDecode } from '../protocol';
import { type SessionLimits } from './memory-session-store';
import { type RateLimit, type RateLimitFactory } from '@dss/common';
import { ACCEPT, CREATE, LOOKUP, SET_BOX, TAKE_TOKEN } from './redis-scripts';
import {
  type ChannelSession,
  type FreshLookup,
  type SeqOutcome,
  type SessionLookup,
  type SessionState,
  type SessionStore,
} from './session';
import { LocalSessionCache } from './local-session-cache';
import { SessionBox } from './session-box';

/** Expired sessions are kept this long so that clients hear `session_expired`, then purged. */
const EXPIRED_GRACE_MS = 5 * 60_000;
/** Most sessions one instance keeps opened in memory (each about 1 KiB with its window). */
const LOCAL_CACHE_CAPACITY = 100_000;

export interface RedisBackendOptions {
  /** `redis://` or `rediss://` URL (DSS_REDIS_URL). */
  url: string;
  /** Prefix of every key (DSS_REDIS_KEY_PREFIX). */
  keyPrefix: string;
  /** A call (or a connection attempt) that has not answered after this long fails. */
  timeoutMs: number;
  /** Key sealing the session records at rest, derived from the master key. */
  sealingKey: Buffer;
  limits: SessionLimits;
  clock?: Clock;
}

/** Opens a Redis connection that fails fast instead of queueing while the server is away. */
export function connectRedis(url: string, timeoutMs: number): Redis {
  return new Redis(url, {
    // Fail closed and fast: no command waits for a reconnection, none is retried blindly.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    // Reconnect for ever, at most every two seconds: the service recovers on its own.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
}

/**
 * Sessions, replay windows and rate-limit buckets in Redis, shared by every instance (DESIGN.md
 * §9). Each §3.1 step is one Lua script, so one round trip: the lookup with the seq pre-check,
 * and the check-and-accept, which is atomic across instances (two copies of one request, on two
 * instances, cannot both be accepted). What Redis holds of a session's secrets is sealed
 * ({@link SessionBox}). Any Redis failure is a {@link DependencyUnavailableError}: no request is
 * accepted while Redis is away (fail closed), and the connection comes back on its own.
 *
 * A session this instance has opened stays in its {@link LocalSessionCache}: the next request
 * on it skips the lookup, so it costs the accept alone, which re-checks everything that could
 * have changed elsewhere (existence, expiry, the shared window, the box's generation). Only a
 * request that fails to authenticate after a local pre-check asks Redis again
 * (`authoritative`), so that its answer follows the §3.1 order of checks exactly.
 */
export class RedisSessionStore implements SessionStore {
  private readonly box: SessionBox;
  private readonly clock: Clock;
  private readonly prefix: string;
  private readonly idleMs: number;
  private readonly cache: LocalSessionCache;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly redis: Redis,
    private readonly options: Omit<RedisBackendOptions, 'url' | 'timeoutMs'>,
  ) {
    this.box = new SessionBox(options.sealingKey);
    this.clock = options.clock ?? systemClock;
    this.prefix = options.keyPrefix;
    this.idleMs = options.limits.idleSeconds * 1000;
    this.cache = new LocalSessionCache(
      Math.min(options.limits.maxSessions, LOCAL_CACHE_CAPACITY),
      options.limits.replayWindow,
      this.idleMs,
    );
    // Keys of ended sessions do not linger in memory past their lifetime or idle timeout.
    this.sweeper = setInterval(() => this.cache.sweep(this.clock.now()), 30_000);
    this.sweeper.unref();
  }

  /** Waits up to `ms` for the first connection; false when Redis is not there yet. */
  async waitUntilReady(ms: number): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        resolve(false);
      }, ms);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.redis.once('ready', onReady);
    });
  }

  async create(session: ChannelSession): Promise<boolean> {
    const result = await this.call(() =>
      CREATE.run(
        this.redis,
        [this.sessionKey(session.id), this.liveKey()],
        [
          session.id,
          this.box.seal(session),
          session.expiresAt,
          session.lastSeenAt,
          this.options.limits.maxSessions,
          this.idleMs,
          EXPIRED_GRACE_MS,
          `${this.prefix}s:`,
        ],
      ),
    );
    return result === 1;
  }

  /** Always from Redis (the authority), never from the local cache. */
  async lookup(id: string): Promise<SessionLookup> {
    const found = await this.lookupFresh(id, 0, true);
    return found.status === 'ok' ? { status: 'ok', session: found.session } : found;
  }

  async seqFresh(id: string, seq: number): Promise<boolean> {
    const found = await this.lookupFresh(id, seq, true);
    return found.status === 'ok' && found.fresh;
  }

  async lookupFresh(id: string, seq: number, authoritative = false): Promise<FreshLookup> {
    if (!authoritative) {
      const held = this.cache.get(id);
      // The local window holds only the seqs this instance accepted: "fresh" here is
      // provisional, and the accept decides; "replayed" here is final.
      if (held !== undefined && this.cache.usable(held, this.clock.now())) {
        return { status: 'ok', session: held.session, fresh: held.window.check(seq), local: true };
      }
    }
    const reply = (await this.call(() =>
      LOOKUP.run(
        this.redis,
        [this.sessionKey(id), this.windowKey(id)],
        [this.clock.now(), this.idleMs, seq, this.options.limits.replayWindow],
      ),
    )) as [number, Buffer?, Buffer?, number?, Buffer?];
    if (reply[0] !== 1) {
      this.cache.delete(id);
      return { status: reply[0] === 2 ? 'expired' : 'unknown' };
    }
    const session = this.open(id, reply[1]!, Number(reply[2]!.toString()));
    // A box that does not open (another master key, tampering) is no session of ours.
    if (session === null) {
      this.cache.delete(id);
      return { status: 'unknown' };
    }
    const held = this.cache.put(session, reply[4]?.toString() ?? '0');
    return { status: 'ok', session: held.session, fresh: reply[3] === 1 };
  }

  async acceptSeq(id: string, seq: number): Promise<SeqOutcome> {
    const held = this.cache.get(id);
    const now = this.clock.now();
    const reply = (await this.call(() =>
      ACCEPT.run(
        this.redis,
        [this.sessionKey(id), this.windowKey(id)],
        [
          seq,
          now,
          this.idleMs,
          this.options.limits.replayWindow,
          EXPIRED_GRACE_MS,
          held?.generation ?? '',
        ],
      ),
    )) as [number, Buffer?, Buffer?];
    if (reply[0] === 0 || reply[0] === 3) {
      this.cache.delete(id);
      return reply[0] === 0 ? 'unknown' : 'expired';
    }
    if (held === undefined) return reply[0] === 1 ? 'accepted' : 'replayed';
    // Accepted or replayed, the seq is spent everywhere: the local pre-check may refuse it.
    held.window.accept(seq);
    if (reply[0] !== 1) return 'replayed';
    held.session.lastSeenAt = now;
    if (reply[1] !== undefined) {
      // The box changed on another instance (a login, a logout): take its state now, in place,
      // so the request being admitted is judged on it.
      const session = this.open(id, reply[1], now);
      if (session === null) {
        this.cache.delete(id);
        return 'unknown';
      }
      this.cache.put(session, reply[2]!.toString());
    }
    return 'accepted';
  }

  async setState(
    id: string,
    state: SessionState,
    user?: { userId: number; username: string },
  ): Promise<void> {
    const found = await this.lookup(id);
    if (found.status !== 'ok') return;
    const session: ChannelSession = {
      ...found.session,
      state,
      userId: user?.userId,
      username: user?.username,
      authenticatedAt: user ? this.clock.now() : undefined,
    };
    await this.call(() => SET_BOX.run(this.redis, [this.sessionKey(id)], [this.box.seal(session)]));
    // The generation moved on: the next request reads the new box (and this instance's state).
    this.cache.delete(id);
  }

  async destroy(id: string): Promise<void> {
    this.cache.delete(id);
    await this.call(() =>
      this.redis
        .multi()
        .del(this.sessionKey(id), this.windowKey(id))
        .zrem(this.liveKey(), id)
        .exec(),
    );
  }

  async size(): Promise<number> {
    return this.call(() => this.redis.zcount(this.liveKey(), `(${this.clock.now()}`, '+inf'));
  }

  async ping(): Promise<void> {
    await this.call(() => this.redis.ping());
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.cache.clear();
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  /** Buckets in Redis, shared by every instance: the limit holds for the whole fleet. */
  rateLimits(): RateLimitFactory {
    return (name, perMinute) => {
      const burst = Math.max(1, Math.ceil(perMinute / 6));
      const ratePerMs = perMinute / 60_000;
      const limit: RateLimit = {
        take: async (client) => {
          if (perMinute <= 0) return 0;
          const wait = await this.call(() =>
            TAKE_TOKEN.run(
              this.redis,
              [`${this.prefix}rl:${name}:${client}`],
              [this.clock.now(), ratePerMs, burst],
            ),
          );
          return Number(wait);
        },
      };
      return limit;
    };
  }

  private open(id: string, box: Buffer, lastSeenAt: number): ChannelSession | null {
    let sessionId: Buffer;
    try {
      sessionId = b64uDecode(id, 'sessionId', 16);
    } catch {
      return null;
    }
    return this.box.open(id, sessionId, box, lastSeenAt);
  }

  private sessionKey(id: string): string {
    return `${this.prefix}s:${id}`;
  }
  private windowKey(id: string): string {
    return `${this.prefix}w:${id}`;
  }
  private liveKey(): string {
    return `${this.prefix}live`;
  }

  /** Runs one Redis call; any failure (down, timed out, reset) means `503 unavailable`. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw new DependencyUnavailableError('redis', err);
    }
  }
}

/** Connects the Redis store of `options`; the connection is made in the background. */
export function createRedisSessionStore(options: RedisBackendOptions): RedisSessionStore {
  return new RedisSessionStore(connectRedis(options.url, options.timeoutMs), options);
}
