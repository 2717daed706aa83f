import { type Clock, systemClock } from './clock';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Per-client token bucket: `perMinute` requests a minute on average, bursts up to `burst`.
 * Bounded memory: full buckets are forgotten, and the map is capped.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number = Math.max(1, Math.ceil(perMinute / 6)),
    private readonly clock: Clock = systemClock,
    private readonly maxClients = 100_000,
  ) {
    this.ratePerMs = perMinute / 60_000;
  }

  /** Takes one token for `client`. Returns 0 when allowed, else the seconds to wait. */
  take(client: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.clock.now();
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size >= this.maxClients) this.prune(now);
      bucket = { tokens: this.burst, updatedAt: now };
      this.buckets.set(client, bucket);
    } else {
      bucket.tokens = Math.min(
        this.burst,
        bucket.tokens + (now - bucket.updatedAt) * this.ratePerMs,
      );
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000));
  }

  private prune(now: number): void {
    for (const [client, b] of this.buckets) {
      if (b.tokens + (now - b.updatedAt) * this.ratePerMs >= this.burst)
        this.buckets.delete(client);
    }
    // Still full (a flood from many addresses): drop the oldest entries.
    if (this.buckets.size >= this.maxClients) {
      const excess = this.buckets.size - Math.floor(this.maxClients * 0.9);
      let i = 0;
      for (const client of this.buckets.keys()) {
        if (i++ >= excess) break;
        this.buckets.delete(client);
      }
    }
  }
}

/**
 * One per-client limit, wherever its buckets live: in this process ({@link memoryRateLimits}) or
 * in Redis, shared by every instance (`RedisSessionBackend`).
 */
export interface RateLimit {
  /** Takes one token for `client`. Resolves to 0 when allowed, else the seconds to wait. */
  take(client: string): Promise<number>;
}

/** Makes the limit named `name` (e.g. `handshake`, `login`) of `perMinute` requests a minute. */
export type RateLimitFactory = (name: string, perMinute: number) => RateLimit;

/** Limits kept in this process's memory (one instance). */
export function memoryRateLimits(clock: Clock = systemClock): RateLimitFactory {
  return (_name, perMinute) => {
    const limiter = new RateLimiter(perMinute, undefined, clock);
    return { take: (client) => Promise.resolve(limiter.take(client)) };
  };
}
