import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type Clock, CLOCK } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { APP_LOGGER } from '@dss/secure-channel';
import { type Logger } from 'pino';

/** Configuration, clock and logger for every module of the app. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: DssConfig, clock: Clock, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: DSS_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: APP_LOGGER, useValue: logger },
      ],
      exports: [DSS_CONFIG, CLOCK, APP_LOGGER],
    };
  }
}
