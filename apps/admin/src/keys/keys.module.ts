import { Module } from '@nestjs/common';
import { KeysController } from './keys.controller';
import { KeyInventoryService } from './keys.service';

/** The key inventory (metadata only). */
@Module({ controllers: [KeysController], providers: [KeyInventoryService] })
export class KeysModule {}
