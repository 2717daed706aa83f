import { type DynamicModule, Global, Module } from '@nestjs/common';
import {
  TRANSPARENCY_LOG_OPTIONS,
  type TransparencyLogOptions,
  TransparencyLogService,
} from './transparency-log.service';

/** The verifiable log; needs TransactionRunner, DataSource and APP_LOGGER from the host app. */
@Global()
@Module({})
export class TransparencyLogModule {
  static forRoot(options: TransparencyLogOptions): DynamicModule {
    return {
      module: TransparencyLogModule,
      providers: [{ provide: TRANSPARENCY_LOG_OPTIONS, useValue: options }, TransparencyLogService],
      exports: [TransparencyLogService],
    };
  }
}
