import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { SignatureLedger } from './signature-ledger';
import { SigningController } from './signing.controller';
import { SigningService } from './signing.service';

@Module({
  imports: [KeysModule],
  controllers: [SigningController],
  providers: [SigningService, SignatureLedger],
})
export class SigningModule {}
