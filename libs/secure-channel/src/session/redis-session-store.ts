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
import { SessionBox } from './session-box';

/** Expired sessions are kept this long so that clients hear `session_expired`, then purged. */
const EXPIRED_GRACE_MS = 5 * 60_000;

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
 */
export class RedisSessionStore implements SessionStore {
  private readonly box: SessionBox;
  private readonly clock: Clock;
  private readonly prefix: string;
  private readonly idleMs: number;

  constructor(
    readonly redis: Redis,
    private readonly options: Omit<RedisBackendOptions, 'url' | 'timeoutMs'>,
  ) {
    this.box = new SessionBox(options.sealingKey);
    this.clock = options.clock ?? systemClock;
    this.prefix = options.keyPrefix;
    this.idleMs = options.limits.idleSeconds * 1000;
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

  async lookup(id: string): Promise<SessionLookup> {
    const found = await this.lookupFresh(id, 0);
    return found.status === 'ok' ? { status: 'ok', session: found.session } : found;
  }

  async seqFresh(id: string, seq: number): Promise<boolean> {
    const found = await this.lookupFresh(id, seq);
    return found.status === 'ok' && found.fresh;
  }

  async lookupFresh(id: string, seq: number): Promise<FreshLookup> {
    const reply = (await this.call(() =>
      LOOKUP.run(
        this.redis,
        [this.sessionKey(id), this.windowKey(id)],
        [this.clock.now(), this.idleMs, seq, this.options.limits.replayWindow],
      ),
    )) as [number, Buffer?, Buffer?, number?];
    if (reply[0] === 2) return { status: 'expired' };
    if (reply[0] !== 1) return { status: 'unknown' };
    const session = this.open(id, reply[1]!, Number(reply[2]!.toString()));
    // A box that does not open (another master key, tampering) is no session of ours.
    if (session === null) return { status: 'unknown' };
    return { status: 'ok', session, fresh: reply[3] === 1 };
  }

  async acceptSeq(id: string, seq: number): Promise<SeqOutcome> {
    const result = await this.call(() =>
      ACCEPT.run(
        this.redis,
        [this.sessionKey(id), this.windowKey(id)],
        [seq, this.clock.now(), this.idleMs, this.options.limits.replayWindow, EXPIRED_GRACE_MS],
      ),
    );
    return result === 1 ? 'accepted' : result === 2 ? 'replayed' : 'unknown';
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
  }

  async destroy(id: string): Promise<void> {
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
