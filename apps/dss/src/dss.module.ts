import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { type Clock } from '@dss/common';
import { type DssConfig } from '@dss/config';
import { type ServerIdentity } from '@dss/keystore';
import {
  PlainErrorFilter,
  SecureChannelInterceptor,
  SecureChannelModule,
  type SessionStore,
} from '@dss/secure-channel';
import { type Logger } from 'pino';
import { CoreModule } from './core/core.module';
import { DatabaseModule } from './core/database.module';
import { HandshakeModule } from './handshake/handshake.module';
import { HealthModule } from './health/health.module';
import { createValidationPipe } from './validation';

export interface DssModuleDeps {
  clock: Clock;
  logger: Logger;
  identity: ServerIdentity;
  sessionStore?: SessionStore;
  /** Extra modules (tests mount test-only sealed routes this way). */
  extraModules?: NonNullable<ModuleMetadata['imports']>;
}

/** The employee API (DESIGN.md §1–§2). */
@Module({})
export class DssModule {
  static forRoot(config: DssConfig, deps: DssModuleDeps): DynamicModule {
    return {
      module: DssModule,
      imports: [
        CoreModule.forRoot(config, deps.clock, deps.logger),
        DatabaseModule.forRoot(config),
        SecureChannelModule.forRoot({
          identity: deps.identity,
          store: deps.sessionStore,
          options: {
            sessionTtlSeconds: config.sessionTtlSeconds,
            sessionIdleSeconds: config.sessionIdleSeconds,
            maxSessions: config.maxSessions,
            replayWindow: config.replayWindow,
            handshakeRatePerMinute: config.handshakeRatePerMinute,
          },
        }),
        HandshakeModule,
        HealthModule,
        ...(deps.extraModules ?? []),
      ],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: SecureChannelInterceptor },
        { provide: APP_FILTER, useClass: PlainErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
