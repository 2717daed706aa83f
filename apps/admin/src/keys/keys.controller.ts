import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { KeyDeletions } from '@dss/keystore';
import { type KeyApproval, KeyApprovals } from '@dss/keystore/key-approvals';
import { type Response } from 'express';
import { ApprovalDto } from '../approvals/dto/approval.dto';
import { ApiErrors } from '../common/api-errors.decorator';
import { actorOf, CurrentOperator, type OperatorContext } from '../common/operator-context';
import { Roles } from '../common/roles.decorator';
import {
  KeyPageDto,
  ListKeysQueryDto,
  PendingDeletionDto,
  PendingDeletionListDto,
} from './dto/key.dto';
import { KeyInventoryService } from './keys.service';

@ApiTags('keys')
@Controller('keys')
export class KeysController {
  constructor(
    private readonly keys: KeyInventoryService,
    private readonly deletions: KeyDeletions,
    private readonly approvals: KeyApprovals,
  ) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Key inventory',
    description:
      'Every key pair, newest first — the key history of each user: key id, algorithm, fingerprint, created, retired, deleted, pending deletion, status. Never any key material.',
  })
  @ApiOkResponse({ type: KeyPageDto })
  @ApiErrors({ 400: ['invalid_request'] })
  list(@Query() query: ListKeysQueryDto): Promise<KeyPageDto> {
    return this.keys.list(query);
  }

  @Get('pending-deletions')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Pending key deletions',
    description:
      'Key pairs deleted with a grace period (DSS_KEY_DELETION_GRACE), soonest destruction first. They no longer sign; an admin can cancel until they are due.',
  })
  @ApiOkResponse({ type: PendingDeletionListDto })
  async pendingDeletions(): Promise<PendingDeletionListDto> {
    return { items: await this.deletions.pending() };
  }

  @Post('pending-deletions/:username/cancel')
  @HttpCode(200)
  @Roles('admin')
  @ApiParam({ name: 'username', type: String })
  @ApiOperation({
    summary: 'Cancel a pending key deletion',
    description:
      'The user’s key pair signs again at once and key creation is no longer blocked. Audited (key.deletion_cancelled). With DSS_DUAL_CONTROL=true nothing changes yet: the answer is 202 with a pending approval request (audited approval.requested) that a second administrator approves with POST /api/approvals/{id}/approve.',
  })
  @ApiOkResponse({ type: PendingDeletionDto })
  @ApiAcceptedResponse({
    type: ApprovalDto,
    description: 'DSS_DUAL_CONTROL=true: a pending approval request',
  })
  @ApiErrors({ 404: ['not_found'], 409: ['conflict'] })
  cancelDeletion(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PendingDeletionDto | KeyApproval> {
    if (this.approvals.enabled) {
      res.status(202);
      return this.approvals.request('cancel_deletion', username, actorOf(by));
    }
    return this.deletions.cancel(username, actorOf(by));
  }
}
