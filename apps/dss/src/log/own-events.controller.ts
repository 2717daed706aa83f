import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ChannelSession, CurrentSession, Sealed } from '@dss/secure-channel';
import { callerOf } from '../caller';
import { OwnEventsDto, type OwnEventsPage } from './dto/own-events.dto';
import { OwnEventsService } from './own-events.service';

/** The caller's own audit events, sealed (docs/AUDIT-LOG.md §5.1). */
@Controller('v1/log')
export class OwnEventsController {
  constructor(private readonly events: OwnEventsService) {}

  @Post('events')
  @HttpCode(200)
  @Sealed()
  list(
    @Body() dto: OwnEventsDto,
    @CurrentSession() session: ChannelSession,
  ): Promise<OwnEventsPage> {
    return this.events.page(callerOf(session), dto);
  }
}
