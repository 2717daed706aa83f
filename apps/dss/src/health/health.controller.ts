import { Controller, Get } from '@nestjs/common';
import { PublicRoute } from '@dss/secure-channel';
import { HealthService, type Readiness } from './health.service';

/** Liveness and readiness probes (PROTOCOL.md §5); not sealed, reveal nothing secret. */
@Controller()
@PublicRoute()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  ready(): Promise<Readiness> {
    return this.health.ready();
  }
}
