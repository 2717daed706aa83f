import { Module } from '@nestjs/common';
import { PkiModule } from '@dss/pki';
import { ActiveKeyIndex } from './active-key-index';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

@Module({
  imports: [PkiModule],
  controllers: [KeysController],
  providers: [KeysService, ActiveKeyIndex],
  exports: [ActiveKeyIndex],
})
export class KeysModule {}
