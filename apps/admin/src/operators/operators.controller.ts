import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { CurrentOperator, type OperatorContext } from '../common/operator-context';
import { Roles } from '../common/roles.decorator';
import {
  CreateOperatorDto,
  ListOperatorsQueryDto,
  OperatorChangeDto,
  OperatorCredentialDto,
  OperatorDto,
  OperatorPageDto,
} from './dto/operator.dto';
import { OperatorAccountsService } from './operators.service';

const USERNAME = ApiParam({ name: 'username', type: String, example: 'audrey' });

@ApiTags('operators')
@Controller('operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorAccountsService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create an operator',
    description:
      'Creates an admin or auditor with a one-time password, returned only in this answer; they must change it at first login.',
  })
  @ApiCreatedResponse({ type: OperatorCredentialDto })
  @ApiErrors({ 400: ['invalid_request', 'invalid_username'], 409: ['conflict'] })
  create(
    @Body() dto: CreateOperatorDto,
    @CurrentOperator() by: OperatorContext,
  ): Promise<OperatorCredentialDto> {
    return this.operators.create(dto, by);
  }

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'List operators', description: 'Ordered by username.' })
  @ApiOkResponse({ type: OperatorPageDto })
  @ApiErrors({ 400: ['invalid_request'] })
  list(@Query() query: ListOperatorsQueryDto): Promise<OperatorPageDto> {
    return this.operators.list(query);
  }

  @Get(':username')
  @Roles('admin', 'auditor')
  @USERNAME
  @ApiOperation({ summary: 'One operator' })
  @ApiOkResponse({ type: OperatorDto })
  @ApiErrors({ 404: ['not_found'] })
  get(@Param('username') username: string): Promise<OperatorDto> {
    return this.operators.get(username);
  }

  @Post(':username/reset-password')
  @HttpCode(200)
  @Roles('admin')
  @USERNAME
  @ApiOperation({
    summary: 'Reset an operator’s password',
    description:
      'Issues a new one-time password (returned only in this answer), clears a lockout and ends the operator’s sessions.',
  })
  @ApiOkResponse({ type: OperatorCredentialDto })
  @ApiErrors({ 404: ['not_found'] })
  resetPassword(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<OperatorCredentialDto> {
    return this.operators.resetPassword(username, by);
  }

  @Post(':username/disable')
  @HttpCode(200)
  @Roles('admin')
  @USERNAME
  @ApiOperation({
    summary: 'Disable an operator',
    description:
      'Stops logins and ends the operator’s sessions. The last enabled admin cannot be disabled.',
  })
  @ApiOkResponse({ type: OperatorChangeDto })
  @ApiErrors({ 404: ['not_found'], 409: ['conflict'] })
  disable(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<OperatorChangeDto> {
    return this.operators.setEnabled(username, false, by);
  }

  @Post(':username/enable')
  @HttpCode(200)
  @Roles('admin')
  @USERNAME
  @ApiOperation({ summary: 'Enable an operator', description: 'Also clears a lockout.' })
  @ApiOkResponse({ type: OperatorChangeDto })
  @ApiErrors({ 404: ['not_found'] })
  enable(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<OperatorChangeDto> {
    return this.operators.setEnabled(username, true, by);
  }

  @Post(':username/unlock')
  @HttpCode(200)
  @Roles('admin')
  @USERNAME
  @ApiOperation({
    summary: 'Unlock an operator',
    description:
      'Ends every login lock of the operator, from every client address, and forgets their failed logins. Idempotent.',
  })
  @ApiOkResponse({ type: OperatorChangeDto })
  @ApiErrors({ 404: ['not_found'] })
  unlock(
    @Param('username') username: string,
    @CurrentOperator() by: OperatorContext,
  ): Promise<OperatorChangeDto> {
    return this.operators.unlock(username, by);
  }
}
