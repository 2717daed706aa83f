import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/roles.decorator';
import { OverviewDto } from './dto/overview.dto';
import { StatsService } from './stats.service';

@ApiTags('stats')
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('overview')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Counts for the dashboard overview',
    description:
      'Users by status, active key pairs, signatures in the last 24 hours, key deletions in the last 30 days, and signatures per UTC day for the last 14 days (counted from the audit trail).',
  })
  @ApiOkResponse({ type: OverviewDto })
  overview(): Promise<OverviewDto> {
    return this.stats.overview();
  }
}
