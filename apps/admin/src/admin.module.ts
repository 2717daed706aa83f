import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AccountsModule, type PasswordHasher } from '@dss/accounts';
import { AuditModule } from '@dss/audit';
import { type Clock, CoreModule } from '@dss/common';
import { type DssConfig } from '@dss/config';
import { DatabaseModule } from '@dss/persistence';
import { type Logger } from 'pino';
import { ApprovalsModule } from './approvals/approvals.module';
import { AuditApiModule } from './audit/audit-api.module';
import { AuthModule } from './auth/auth.module';
import { AdminErrorFilter } from './common/admin-error.filter';
import { createValidationPipe } from './common/validation';
import { KeysModule } from './keys/keys.module';
import { OperatorsModule } from './operators/operators.module';
import { StatsModule } from './stats/stats.module';
import { UsersModule } from './users/users.module';

export interface AdminModuleDeps {
  clock: Clock;
  logger: Logger;
  hasher: PasswordHasher;
}

/** The admin app (DESIGN.md §6): operators, users, key inventory, audit, under /api. */
@Module({})
export class AdminModule {
  static forRoot(config: DssConfig, deps: AdminModuleDeps): DynamicModule {
    return {
      module: AdminModule,
      imports: [
        CoreModule.forRoot(config, deps.clock, deps.logger),
        DatabaseModule.forRoot(config),
        AuditModule,
        AccountsModule.forRoot(deps.hasher),
        AuthModule,
        OperatorsModule,
        UsersModule,
        KeysModule,
        ApprovalsModule,
        AuditApiModule,
        StatsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AdminErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
