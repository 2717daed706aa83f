/** Injection tokens of the secure-channel module. */
export const SESSION_STORE = Symbol('SESSION_STORE');
export const SERVER_IDENTITY = Symbol('SERVER_IDENTITY');
export const CHANNEL_OPTIONS = Symbol('CHANNEL_OPTIONS');
/** The {@link RateLimitFactory} of per-client limits: memory, or Redis with a shared store. */
export const RATE_LIMITS = Symbol('RATE_LIMITS');

/** Options of the secure channel, from the configuration. */
export interface ChannelOptions {
  sessionTtlSeconds: number;
  sessionIdleSeconds: number;
  maxSessions: number;
  replayWindow: number;
  handshakeRatePerMinute: number;
}
