import { Module } from '@nestjs/common';
import { PkiService } from './pki.service';

/** Provides {@link PkiService}; needs the host's database, audit, keystore and core modules. */
@Module({ providers: [PkiService], exports: [PkiService] })
export class PkiModule {}
