import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** `GET /api/stats/overview`: the dashboard's overview counts. */
@Module({ controllers: [StatsController], providers: [StatsService] })
export class StatsModule {}
