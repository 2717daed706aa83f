import { type DynamicModule, Module } from '@nestjs/common';
import { KEYSTORE_OPTIONS, type KeystoreOptions, MASTER_KEY_RING } from './keystore.tokens';
import { KeystoreService } from './keystore.service';
import { type MasterKeyRing } from './master-key-ring';

/** Provides {@link MASTER_KEY_RING} and {@link KeystoreService} to the whole app. */
@Module({})
export class KeystoreModule {
  /** Registers the keystore once, globally, with a ring loaded at boot. */
  static forRoot(ring: MasterKeyRing, options: KeystoreOptions): DynamicModule {
    return {
      module: KeystoreModule,
      global: true,
      providers: [
        { provide: MASTER_KEY_RING, useValue: ring },
        { provide: KEYSTORE_OPTIONS, useValue: options },
        KeystoreService,
      ],
      exports: [MASTER_KEY_RING, KeystoreService],
    };
  }
}
