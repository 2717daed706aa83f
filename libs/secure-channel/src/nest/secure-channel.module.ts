import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type Clock, CLOCK } from '@dss/common';
import { type ServerIdentity } from '@dss/keystore';
import { memoryRateLimits, type RateLimitFactory } from '@dss/common';
import { MemorySessionStore, type SessionStore } from '../session';
import { SealedExchange } from './sealed-exchange';
import { SecureChannelService } from './secure-channel.service';
import {
  CHANNEL_OPTIONS,
  type ChannelOptions,
  RATE_LIMITS,
  SERVER_IDENTITY,
  SESSION_STORE,
} from './tokens';

export interface SecureChannelModuleOptions {
  options: ChannelOptions;
  identity: ServerIdentity;
  /** A store to use instead of the in-memory one (Redis, for several instances). */
  store?: SessionStore;
  /** Per-client limits to use instead of in-memory ones (Redis, shared by every instance). */
  rateLimits?: RateLimitFactory;
}

/** Provides the session store, the server identity, the handshake service and the sealed exchange. */
@Global()
@Module({})
export class SecureChannelModule implements OnApplicationShutdown {
  constructor(@Inject(SESSION_STORE) private readonly sessions: SessionStore) {}

  static forRoot(config: SecureChannelModuleOptions): DynamicModule {
    return {
      module: SecureChannelModule,
      providers: [
        { provide: CHANNEL_OPTIONS, useValue: config.options },
        { provide: SERVER_IDENTITY, useValue: config.identity },
        {
          provide: SESSION_STORE,
          inject: [CLOCK],
          useFactory: (clock: Clock): SessionStore =>
            config.store ??
            new MemorySessionStore(
              {
                ttlSeconds: config.options.sessionTtlSeconds,
                idleSeconds: config.options.sessionIdleSeconds,
                maxSessions: config.options.maxSessions,
                replayWindow: config.options.replayWindow,
              },
              clock,
            ),
        },
        {
          provide: RATE_LIMITS,
          inject: [CLOCK],
          useFactory: (clock: Clock): RateLimitFactory =>
            config.rateLimits ?? memoryRateLimits(clock),
        },
        SecureChannelService,
        SealedExchange,
      ],
      exports: [
        SESSION_STORE,
        RATE_LIMITS,
        SERVER_IDENTITY,
        CHANNEL_OPTIONS,
        SecureChannelService,
        SealedExchange,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sessions.close();
  }
}
