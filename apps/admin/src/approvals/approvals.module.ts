import { Module } from '@nestjs/common';
import { KeyApprovals, KeyDeletions } from '@dss/keystore';
import { ApprovalsController } from './approvals.controller';

/** Dual control (`DSS_DUAL_CONTROL`): requests a second administrator approves or rejects. */
@Module({
  controllers: [ApprovalsController],
  providers: [KeyApprovals, KeyDeletions],
  exports: [KeyApprovals, KeyDeletions],
})
export class ApprovalsModule {}
