import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type KeyApproval, KeyApprovals } from '@dss/keystore/key-approvals';
import { type Response } from 'express';
import { ApprovalDto } from '../approvals/dto/approval.dto';
import { ApiErrors } from '../common/api-errors.decorator';
import { actorOf, CurrentOperator, type OperatorContext } from '../common/operator-context';
import { Roles } from '../common/roles.decorator';
import {
  ListUsersQueryDto,
  RegisterUserDto,
  TemporaryPasswordDto,
  UserChangeDto,
  UserDetailDto,
  UserPageDto,
} from './dto/user.dto';
import { UsersService } from './users.service';

const USERNAME = ApiParam({ name: 'username', type: String, example: 'alice' });

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly approvals: KeyApprovals,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Register a user',
    description:
      'Creates an employee account with a one-time temporary password (130 random bits, expires after DSS_TEMP_PASSWORD_TTL_HOURS). This answer and reset-password are the only ones that ever contain a password; the user must change it at first login.',
  })
  @ApiCreatedResponse({ type: TemporaryPasswordDto })
  @ApiErrors({ 400: ['invalid_request', 'invalid_username'], 409: ['user_exists'] })
  register(
    @Body() dto: RegisterUserDto,
    @CurrentOperator() by: OperatorContext,
  ): Promise<TemporaryPasswordDto> {
    return this.users.register(dto.username, by, { fullName: dto.fullName, email: dto.email });
  }

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'List users',
    description: 'Ordered by username; filter by part of the name and by status.',
  })
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrors({ 400: ['invalid_request'] })
  list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Get(':username')
  @Roles('admin', 'auditor')
  @USERNAME
  @ApiOperation({
    summary: 'One user',
    description: 'Account state, lockout, and key status with the active key pair, if any.',
  })
  @ApiOkResponse({ type: UserDetailDto })
  @ApiErrors({ 404: ['not_found'] })
  get(@Param('username') username: string): Promise<UserDetailDto> {
    return this.users.get(username);
  }

  @Post(':username/reset-password')
  @HttpCode(200)
  @Roles('admin')
  @USERNAME
  @ApiOperation({
    summary: 'Reset a user’s password',
    description:
      'Issues a new temporary password (returned only in this answer), clears a lockout and ends the user’s sessions; the user must change it at next login. Does not enable a disabled user.',
  })
  @ApiOkResponse({ type: TemporaryPasswordDto })
  @ApiErrors({ 404: ['not_found'] })
  resetPassword(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<TemporaryPasswordDto> {
    return this.users.resetPassword(username, by);
  }

  @Post(':username/disable')
  @HttpCode(200)
  @Roles('admin')
  @USERNAME
  @ApiOperation({
    summary: 'Disable a user',
    description: 'Stops logins and ends the user’s sessions. Idempotent.',
  })
  @ApiOkResponse({ type: UserChangeDto })
  @ApiErrors({ 404: ['not_found'] })
  disable(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<UserChangeDto> {
    return this.users.change(username, 'disable', by);
  }

  @Post(':username/enable')
  @HttpCode(200)
  @Roles('admin')
  @USERNAME
  @ApiOperation({
    summary: 'Enable a user',
    description: 'Allows logins again and clears a lockout. Idempotent.',
  })
  @ApiOkResponse({ type: UserChangeDto })
  @ApiErrors({ 404: ['not_found'] })
  enable(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<UserChangeDto> {
    return this.users.change(username, 'enable', by);
  }

  @Post(':username/unlock')
  @HttpCode(200)
  @Roles('admin')
  @USERNAME
  @ApiOperation({
    summary: 'Unlock a user',
    description:
      'Ends every login lock of the user, from every client address, and forgets their failed logins (docs/SECURITY.md). Idempotent: `changed` is false when nothing was locked or counted.',
  })
  @ApiOkResponse({ type: UserChangeDto })
  @ApiErrors({ 404: ['not_found'] })
  unlock(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<UserChangeDto> {
    return this.users.change(username, 'unlock', by);
  }

  @Post(':username/allow-new-key')
  @HttpCode(200)
  @Roles('admin')
  @USERNAME
  @ApiOperation({
    summary: 'Allow a new key pair',
    description:
      'After DeleteKeys a user cannot create a new key pair until an admin allows it. Idempotent. With DSS_DUAL_CONTROL=true nothing changes yet: the answer is 202 with a pending approval request (audited approval.requested) that a second administrator approves with POST /api/approvals/{id}/approve.',
  })
  @ApiOkResponse({ type: UserChangeDto })
  @ApiAcceptedResponse({
    type: ApprovalDto,
    description: 'DSS_DUAL_CONTROL=true: a pending approval request',
  })
  @ApiErrors({ 404: ['not_found'] })
  allowNewKey(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserChangeDto | KeyApproval> {
    if (this.approvals.enabled) {
      res.status(202);
      return this.approvals.request('allow_new_key', username, actorOf(by));
    }
    return this.users.change(username, 'allowNewKey', by);
  }
}
