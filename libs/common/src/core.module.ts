import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { type Logger } from 'pino';
import { type Clock, CLOCK } from './clock';
import { APP_LOGGER } from './logger';
import { type DssMetrics, METRICS } from './metrics';

/** Configuration, clock and logger for every module of an app or command-line tool. */
@Global()
@Module({})
export class CoreModule {
  /** `metrics`: the app's metrics, injected as {@link METRICS} (optional where it is used). */
  static forRoot(
    config: DssConfig,
    clock: Clock,
    logger: Logger,
    metrics?: DssMetrics,
  ): DynamicModule {
    const withMetrics = metrics === undefined ? [] : [{ provide: METRICS, useValue: metrics }];
    return {
      module: CoreModule,
      providers: [
        { provide: DSS_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: APP_LOGGER, useValue: logger },
        ...withMetrics,
      ],
      exports: [DSS_CONFIG, CLOCK, APP_LOGGER, ...(metrics === undefined ? [] : [METRICS])],
    };
  }
}
