import { createHash } from 'node:crypto';
import { type Redis } from 'ioredis';

/**
 * A Lua script run with EVALSHA, falling back to EVAL when the server does not know it yet
 * (after a restart or a failover): each call is one round trip and runs atomically on the server.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(
    readonly name: string,
    private readonly lua: string,
    private readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) throw new TypeError(`${this.name}: wrong key count`);
    try {
      return await redis.callBuffer('evalsha', this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.callBuffer('eval', this.lua, keys.length, ...keys, ...args);
    }
  }
}

/*
 * Key layout under the installation's prefix P (DSS_REDIS_KEY_PREFIX):
 *   P s:<id>  hash  b = sealed session box, x = absolute expiry (ms), l = last seen (ms), h = H,
 *                   g = generation of the box (0 at creation, +1 at each change of state)
 *   P w:<id>  string  the replay bitmap, bit (seq mod W) for each accepted seq in (H − W, H]
 *   P live    sorted set  session id → absolute expiry, for the bound on live sessions
 *   P rl:<name>:<client>  hash  t = tokens, u = updated (ms) of one rate-limit bucket
 * Session keys expire (PEXPIREAT) at min(absolute expiry, last seen + idle) plus a grace period,
 * so that a late client still hears `session_expired` before the record is purged. Times come
 * from the instances' clocks (ARGV), which must agree within seconds (NTP), as for any fleet.
 */

/**
 * Lookup with the §3.1 freshness pre-check. KEYS: s, w. ARGV: now, idleMs, seq, W.
 * Returns {0} unknown, {2} expired, or {1, box, lastSeen, fresh (1|0), generation}.
 */
export const LOOKUP = new RedisScript(
  'lookup',
  `
local v = redis.call('HMGET', KEYS[1], 'b', 'x', 'l', 'h', 'g')
if not v[1] then return {0} end
local now = tonumber(ARGV[1])
if now >= tonumber(v[2]) or now - tonumber(v[3]) >= tonumber(ARGV[2]) then return {2} end
local seq = tonumber(ARGV[3])
local h = tonumber(v[4])
local w = tonumber(ARGV[4])
local fresh = 1
if seq <= h then
  if seq <= h - w then fresh = 0
  elseif redis.call('GETBIT', KEYS[2], seq % w) == 1 then fresh = 0 end
end
return {1, v[1], v[3], fresh, v[5] or '0'}
`,
  2,
);

/**
 * PROTOCOL.md §3.1 "mark seq accepted", the RFC 4303 §3.4.3 window update, atomically for every
 * instance; refreshes the idle timer. KEYS: s, w. ARGV: seq, now, idleMs, W, graceMs, the
 * generation of the box the caller holds ('' when it does not care).
 * Returns {0} unknown session, {3} expired, {2} replayed, {1} accepted, or
 * {1, box, generation} accepted when the box changed since the caller read it (a login or a
 * logout of the session on another instance): the caller's copy of the state is stale.
 * The expiry is checked here too, because an instance that holds the session in its local cache
 * skips the lookup (one round trip per sealed request instead of two).
 */
export const ACCEPT = new RedisScript(
  'accept',
  `
local v = redis.call('HMGET', KEYS[1], 'x', 'h', 'l', 'g')
if not v[1] then return {0} end
local seq = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
if now >= tonumber(v[1]) or now - tonumber(v[3]) >= tonumber(ARGV[3]) then return {3} end
local w = tonumber(ARGV[4])
local h = tonumber(v[2])
if seq <= h then
  if seq <= h - w then return {2} end
  if redis.call('GETBIT', KEYS[2], seq % w) == 1 then return {2} end
else
  if seq - h >= w then
    redis.call('DEL', KEYS[2])
  else
    for s = h + 1, seq - 1 do redis.call('SETBIT', KEYS[2], s % w, 0) end
  end
  redis.call('HSET', KEYS[1], 'h', ARGV[1])
end
redis.call('SETBIT', KEYS[2], seq % w, 1)
redis.call('HSET', KEYS[1], 'l', ARGV[2])
local deadline = math.min(tonumber(v[1]), now + tonumber(ARGV[3])) + tonumber(ARGV[5])
redis.call('PEXPIREAT', KEYS[1], deadline)
redis.call('PEXPIREAT', KEYS[2], deadline)
local g = v[4] or '0'
if ARGV[6] ~= '' and ARGV[6] ~= g then
  return {1, redis.call('HGET', KEYS[1], 'b'), g}
end
return {1}
`,
  2,
);

/**
 * Creates a session within the bound on live sessions. KEYS: s, live.
 * ARGV: id, box, expiresAt, now, maxSessions, idleMs, graceMs, prefix of session keys.
 * Sessions past their absolute expiry leave the set first; at the bound, the oldest hundred are
 * checked for an idle timeout or a purge. Returns 1 created, 0 at the bound.
 */
export const CREATE = new RedisScript(
  'create',
  `
local now = tonumber(ARGV[4])
local idle = tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, 99)) do
    local seen = redis.call('HGET', ARGV[8] .. id, 'l')
    if not seen or now - tonumber(seen) >= idle then redis.call('ZREM', KEYS[2], id) end
  end
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 0 end
end
redis.call('HSET', KEYS[1], 'b', ARGV[2], 'x', ARGV[3], 'l', ARGV[4], 'h', '0', 'g', '0')
redis.call('PEXPIREAT', KEYS[1], math.min(tonumber(ARGV[3]), now + idle) + tonumber(ARGV[7]))
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
-- The set outlives its newest member by the grace period, no longer (NX: first TTL, GT: later).
local until_ms = tonumber(ARGV[3]) + tonumber(ARGV[7])
redis.call('PEXPIREAT', KEYS[2], until_ms, 'NX')
redis.call('PEXPIREAT', KEYS[2], until_ms, 'GT')
return 1
`,
  2,
);

/**
 * Replaces the box of a session that still exists and moves its generation on, so that every
 * instance's cached copy is found stale at its next accept. KEYS: s. ARGV: box. Returns 1 or 0.
 */
export const SET_BOX = new RedisScript(
  'set-box',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'b', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'g', 1)
return 1
`,
  1,
);

/**
 * Token bucket of {@link RateLimiter}, shared by every instance. KEYS: bucket.
 * ARGV: now, tokens per ms, burst. Returns 0 when allowed, else the seconds to wait.
 */
export const TAKE_TOKEN = new RedisScript(
  'take-token',
  `
local v = redis.call('HMGET', KEYS[1], 't', 'u')
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tokens = burst
if v[1] then tokens = math.min(burst, tonumber(v[1]) + math.max(0, now - tonumber(v[2])) * rate) end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / rate / 1000))
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return wait
`,
  1,
);
