import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Clock, CLOCK, type DssMetrics, METRICS } from '@dss/common';
import { type ServerIdentity } from '@dss/keystore';
import {
  b64uEncode,
  ChannelError,
  ChannelErrorCode,
  type HandshakeResponseWire,
  parseHandshakeRequest,
  serverHandshake,
} from '../protocol';
import { type RateLimit, type RateLimitFactory } from '@dss/common';
import { type SessionStore } from '../session';
import {
  CHANNEL_OPTIONS,
  type ChannelOptions,
  RATE_LIMITS,
  SERVER_IDENTITY,
  SESSION_STORE,
} from './tokens';

/** Server side of the DSS-SC1 handshake (PROTOCOL.md §2) and the session it creates. */
@Injectable()
export class SecureChannelService {
  private readonly handshakeLimiter: RateLimit;

  constructor(
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(SERVER_IDENTITY) private readonly identity: ServerIdentity,
    @Inject(CHANNEL_OPTIONS) private readonly options: ChannelOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RATE_LIMITS) rateLimits: RateLimitFactory,
    @Optional() @Inject(METRICS) private readonly metrics?: DssMetrics,
  ) {
    this.handshakeLimiter = rateLimits('handshake', options.handshakeRatePerMinute);
  }

  /** Runs a handshake for `client` (its address, for throttling) and stores the new session. */
  async handshake(body: unknown, client: string): Promise<HandshakeResponseWire> {
    const wait = await this.handshakeLimiter.take(client);
    if (wait > 0)
      throw new ChannelError(ChannelErrorCode.RateLimited, 'too many handshakes; slow down', wait);
    const request = parseHandshakeRequest(body);
    const { response, sessionId, keys } = serverHandshake(request, this.identity.privateKey, {
      expiresIn: this.options.sessionTtlSeconds,
    });
    const now = this.clock.now();
    const stored = await this.sessions.create({
      id: b64uEncode(sessionId),
      sessionId,
      keys,
      createdAt: now,
      expiresAt: now + this.options.sessionTtlSeconds * 1000,
      lastSeenAt: now,
      state: 'open',
    });
    if (!stored) {
      throw new ChannelError(
        ChannelErrorCode.RateLimited,
        'the server holds its maximum number of sessions; retry later',
        60,
      );
    }
    this.metrics?.handshakes.inc();
    return response;
  }

  /** `GET /v1/server-key` (PROTOCOL.md §5). */
  serverKey(): { publicKey: string; fingerprint: string } {
    return { publicKey: this.identity.publicKeyPem, fingerprint: this.identity.fingerprint };
  }
}
