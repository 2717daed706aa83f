import { Module } from '@nestjs/common';
import { KeyDeletions } from '@dss/keystore';
import { KeysController } from './keys.controller';
import { KeyInventoryService } from './keys.service';

/** The key inventory (metadata only) and pending key deletions. */
@Module({ controllers: [KeysController], providers: [KeyInventoryService, KeyDeletions] })
export class KeysModule {}
