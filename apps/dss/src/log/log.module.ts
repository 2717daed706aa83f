import { Module } from '@nestjs/common';
import { LogController } from './log.controller';

/** Public routes of the verifiable log; the service comes from TransparencyLogModule. */
@Module({ controllers: [LogController] })
export class LogModule {}
