import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { Roles } from '../common/roles.decorator';
import { KeyPageDto, ListKeysQueryDto } from './dto/key.dto';
import { KeyInventoryService } from './keys.service';

@ApiTags('keys')
@Controller('keys')
export class KeysController {
  constructor(private readonly keys: KeyInventoryService) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Key inventory',
    description:
      'Every key pair, newest first: user, key id, algorithm, fingerprint, created, deleted, status. Never any key material.',
  })
  @ApiOkResponse({ type: KeyPageDto })
  @ApiErrors({ 400: ['invalid_request'] })
  list(@Query() query: ListKeysQueryDto): Promise<KeyPageDto> {
    return this.keys.list(query);
  }
}
