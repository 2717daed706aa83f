import {
  type DynamicModule,
  Module,
  type ModuleMetadata,
  type ValidationPipe,
} from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AccountsModule, type PasswordHasher } from '@dss/accounts';
import { AuditModule, type LogKey, TransparencyLogModule } from '@dss/audit';
import { type Clock, CoreModule, type DssMetrics } from '@dss/common';
import { type DssConfig } from '@dss/config';
import { DatabaseModule } from '@dss/persistence';
import { KeystoreModule, type MasterKeyRing, type ServerIdentity } from '@dss/keystore';
import {
  PlainErrorFilter,
  SecureChannelInterceptor,
  SecureChannelModule,
  type SessionStore,
} from '@dss/secure-channel';
import { type RateLimitFactory } from '@dss/common';
import { type Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import { CaModule } from './ca/ca.module';
import { HandshakeModule } from './handshake/handshake.module';
import { HealthModule } from './health/health.module';
import { KeysModule } from './keys/keys.module';
import { LogModule } from './log/log.module';
import { SigningModule } from './signing/signing.module';
import { createValidationPipe } from './validation';

export interface DssModuleDeps {
  clock: Clock;
  logger: Logger;
  identity: ServerIdentity;
  ring: MasterKeyRing;
  hasher: PasswordHasher;
  logKey: LogKey;
  sessionStore?: SessionStore;
  /** The app's metrics (injected as `METRICS`). */
  metrics?: DssMetrics;
  /** The global ValidationPipe; the hot routes validate with this same instance. */
  validationPipe?: ValidationPipe;
  rateLimits?: RateLimitFactory;
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
        CoreModule.forRoot(config, deps.clock, deps.logger, deps.metrics),
        DatabaseModule.forRoot(config),
        AuditModule,
        TransparencyLogModule.forRoot({
          key: deps.logKey,
          origin: config.logOrigin,
          intervalMs: config.checkpointIntervalMs,
          checkpointFile: config.checkpointFile,
          sequence: true,
        }),
        AccountsModule.forRoot(deps.hasher, deps.metrics),
        KeystoreModule.forRoot(deps.ring, { cacheSize: Math.min(config.maxSessions, 100_000) }),
        SecureChannelModule.forRoot({
          identity: deps.identity,
          store: deps.sessionStore,
          rateLimits: deps.rateLimits,
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
        AuthModule,
        KeysModule,
        SigningModule,
        CaModule,
        LogModule,
        ...(deps.extraModules ?? []),
      ],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: SecureChannelInterceptor },
        { provide: APP_FILTER, useClass: PlainErrorFilter },
        { provide: APP_PIPE, useValue: deps.validationPipe ?? createValidationPipe() },
      ],
    };
  }
}
