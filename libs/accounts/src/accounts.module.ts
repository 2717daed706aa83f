import { type DynamicModule, Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AccountsService } from './accounts.service';
import { CredentialCore } from './credential-core';
import { LOGIN_METRICS, type LoginMetrics } from './login-metrics';
import { OperatorsService } from './operators.service';
import { PasswordHasher } from './password-hasher';

/**
 * Employee accounts and admin-app operators. The host app provides `DataSource`,
 * `TransactionRunner`, `AuditService` (`AuditModule` from `@dss/audit`), `CLOCK` and `DSS_CONFIG`;
 * the hasher is built at boot from the pepper (`loadOrCreatePepper`) and the `bcrypt*` settings
 * (`PasswordHasher.fromConfig`). Closing the app lets go of the hasher's bcrypt worker threads.
 */
@Global()
@Module({})
export class AccountsModule implements OnApplicationShutdown {
  constructor(private readonly hasher: PasswordHasher) {}

  async onApplicationShutdown(): Promise<void> {
    await this.hasher.close();
  }

  /**
   * Registers {@link AccountsService}, {@link OperatorsService} and `hasher` (as
   * {@link PasswordHasher}) app-wide; `metrics`, when given, counts login attempts and locks.
   */
  static forRoot(hasher: PasswordHasher, metrics?: LoginMetrics): DynamicModule {
    if (!(hasher instanceof PasswordHasher))
      throw new TypeError('AccountsModule needs a PasswordHasher');
    return {
      module: AccountsModule,
      global: true,
      providers: [
        { provide: PasswordHasher, useValue: hasher },
        ...(metrics === undefined ? [] : [{ provide: LOGIN_METRICS, useValue: metrics }]),
        CredentialCore,
        AccountsService,
        OperatorsService,
      ],
      exports: [CredentialCore, AccountsService, OperatorsService, PasswordHasher],
    };
  }
}
