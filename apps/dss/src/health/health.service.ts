import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { DataSource } from 'typeorm';

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
  ) {}

  /** Ready when the database answers a trivial query. */
  async ready(): Promise<{ status: 'ready'; database: string }> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new DomainError(ErrorCode.Unavailable, 'the database is not reachable');
    }
    return { status: 'ready', database: this.config.databaseEngine };
  }
}
