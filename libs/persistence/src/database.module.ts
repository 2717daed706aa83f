import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type DssConfig } from '@dss/config';
import { DataSource } from 'typeorm';
import { openDataSource } from './data-source';
import { TransactionRunner } from './transaction';

/** Opens the configured database (SQLite or MySQL), applies migrations unless told not to. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(config: DssConfig): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          useFactory: () =>
            openDataSource({
              databaseUrl: config.databaseUrl,
              dataDir: config.dataDir,
              migrationsRun: config.migrationsRun,
              timeoutMs: config.databaseTimeoutMs,
            }),
        },
        {
          provide: TransactionRunner,
          inject: [DataSource],
          useFactory: (ds: DataSource) => new TransactionRunner(ds),
        },
      ],
      exports: [DataSource, TransactionRunner],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
