import { Module } from '@nestjs/common';
import { KeyDeletions } from '@dss/keystore';
import { KeyApprovals } from '@dss/keystore/key-approvals';
import { ApprovalsController } from './approvals.controller';

/** Dual control (`DSS_DUAL_CONTROL`): requests a second administrator approves or rejects. */
@Module({
  controllers: [ApprovalsController],
  providers: [KeyApprovals, KeyDeletions],
  exports: [KeyApprovals, KeyDeletions],
})
export class ApprovalsModule {}
