import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { KeysController } from './keys.controller';
import { KeyInventoryService } from './keys.service';

/** The key inventory (metadata only) and pending key deletions. */
@Module({
  imports: [ApprovalsModule],
  controllers: [KeysController],
  providers: [KeyInventoryService],
})
export class KeysModule {}
