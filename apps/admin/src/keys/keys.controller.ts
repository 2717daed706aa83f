import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { KeyDeletions } from '@dss/keystore';
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
      'The user’s key pair signs again at once and key creation is no longer blocked. Audited (key.deletion_cancelled).',
  })
  @ApiOkResponse({ type: PendingDeletionDto })
  @ApiErrors({ 404: ['not_found'], 409: ['conflict'] })
  cancelDeletion(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<PendingDeletionDto> {
    return this.deletions.cancel(username, actorOf(by));
  }
}
