import { type DynamicModule, Module } from '@nestjs/common';
import { type PasswordHasher, AccountsModule } from '@dss/accounts';
import { AuditModule } from '@dss/audit';
import { type Clock, CoreModule } from '@dss/common';
import { type DssConfig } from '@dss/config';
import { KeyDeletions, KeystoreModule, type MasterKeyRing } from '@dss/keystore';
import { KeyApprovals } from '@dss/keystore/key-approvals';
import { DatabaseModule } from '@dss/persistence';
import { PkiModule } from '@dss/pki';
import { type Logger } from 'pino';

/** The services `dss-admin` drives: the same ones the admin app uses, without HTTP. */
@Module({})
export class AdminCliModule {
  static forRoot(
    config: DssConfig,
    deps: { clock: Clock; logger: Logger; ring: MasterKeyRing; hasher: PasswordHasher },
  ): DynamicModule {
    return {
      module: AdminCliModule,
      imports: [
        CoreModule.forRoot(config, deps.clock, deps.logger),
        DatabaseModule.forRoot(config),
        AuditModule,
        AccountsModule.forRoot(deps.hasher),
        KeystoreModule.forRoot(deps.ring, { cacheSize: 16 }),
        PkiModule,
      ],
      providers: [KeyDeletions, KeyApprovals],
    };
  }
}
