import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AccountsService } from './accounts.service';
import { OperatorsService } from './operators.service';
import { PasswordHasher } from './password-hasher';

/**
 * Employee accounts and admin-app operators. The host app provides `DataSource`,
 * `TransactionRunner`, `AuditService` (`AuditModule` from `@dss/audit`), `CLOCK` and `DSS_CONFIG`;
 * the hasher is built at boot from the pepper (`loadOrCreatePepper`) and `bcryptCost`.
 */
@Global()
@Module({})
export class AccountsModule {
  /**
   * Registers {@link AccountsService}, {@link OperatorsService} and `hasher` (as
   * {@link PasswordHasher}) app-wide.
   */
  static forRoot(hasher: PasswordHasher): DynamicModule {
    if (!(hasher instanceof PasswordHasher))
      throw new TypeError('AccountsModule needs a PasswordHasher');
    return {
      module: AccountsModule,
      global: true,
      providers: [{ provide: PasswordHasher, useValue: hasher }, AccountsService, OperatorsService],
      exports: [AccountsService, OperatorsService, PasswordHasher],
    };
  }
}
