import { Module } from '@nestjs/common';
import { PkiModule } from '@dss/pki';
import { KeysModule } from '../keys/keys.module';
import { SignatureLedger } from './signature-ledger';
import { SignatureLedgerRepository } from './signature-ledger.repository';
import { SigningController } from './signing.controller';
import { SigningService } from './signing.service';

@Module({
  imports: [KeysModule, PkiModule],
  controllers: [SigningController],
  providers: [SigningService, SignatureLedger, SignatureLedgerRepository],
})
export class SigningModule {}
