import { Module } from '@nestjs/common';
import { PkiModule } from '@dss/pki';
import { ActiveKeyIndex } from './active-key-index';
import { KeyDeletionSweeper } from './key-deletion-sweeper';
import { KeyPairsRepository } from './key-pairs.repository';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

@Module({
  imports: [PkiModule],
  controllers: [KeysController],
  providers: [KeysService, ActiveKeyIndex, KeyDeletionSweeper, KeyPairsRepository],
  exports: [ActiveKeyIndex, KeyDeletionSweeper],
})
export class KeysModule {}
