import { Module } from '@nestjs/common';
import { ActiveKeyIndex } from './active-key-index';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

@Module({
  controllers: [KeysController],
  providers: [KeysService, ActiveKeyIndex],
  exports: [ActiveKeyIndex],
})
export class KeysModule {}
