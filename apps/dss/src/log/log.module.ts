import { Module } from '@nestjs/common';
import { LogController } from './log.controller';
import { OwnEventsController } from './own-events.controller';
import { OwnEventsService } from './own-events.service';

/**
 * The verifiable log on the employee API: its public routes (the service comes from
 * TransparencyLogModule) and the sealed route where a user reads their own events.
 */
@Module({ controllers: [LogController, OwnEventsController], providers: [OwnEventsService] })
export class LogModule {}
