import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { KeyApprovals } from '@dss/keystore/key-approvals';
import { ApiErrors } from '../common/api-errors.decorator';
import { actorOf, CurrentOperator, type OperatorContext } from '../common/operator-context';
import { Roles } from '../common/roles.decorator';
import {
  ApprovalDto,
  ApprovalListDto,
  ApprovalOutcomeDto,
  ListApprovalsQueryDto,
} from './dto/approval.dto';

const ID = ApiParam({ name: 'id', type: String, format: 'uuid' });

@ApiTags('approvals')
@Controller('approvals')
export class ApprovalsController {
  constructor(private readonly approvals: KeyApprovals) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Dual-control approval requests',
    description:
      'With DSS_DUAL_CONTROL=true, cancelling a pending key deletion and allowing a new key pair wait here for a second administrator. Newest first; requests expire after 24 h.',
  })
  @ApiOkResponse({ type: ApprovalListDto })
  @ApiErrors({ 400: ['invalid_request'] })
  async list(@Query() query: ListApprovalsQueryDto): Promise<ApprovalListDto> {
    return { items: await this.approvals.list(query.status) };
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('admin')
  @ID
  @ApiOperation({
    summary: 'Approve a request',
    description:
      'A second administrator (not the one who asked) approves: the action is carried out exactly as without dual control, in the same transaction. Audited (approval.approved, then the action’s own event).',
  })
  @ApiOkResponse({ type: ApprovalOutcomeDto })
  @ApiErrors({
    403: ['self_approval'],
    404: ['not_found'],
    409: ['not_pending', 'conflict'],
  })
  approve(
    @Param('id') id: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<ApprovalOutcomeDto> {
    return this.approvals.approve(id, actorOf(by));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('admin')
  @ID
  @ApiOperation({
    summary: 'Reject a request',
    description:
      'Nothing is carried out; the requester may withdraw their own request this way. Audited (approval.rejected).',
  })
  @ApiOkResponse({ type: ApprovalDto })
  @ApiErrors({ 404: ['not_found'], 409: ['not_pending'] })
  reject(@Param('id') id: string, @CurrentOperator() by: OperatorContext): Promise<ApprovalDto> {
    return this.approvals.reject(id, actorOf(by));
  }
}
