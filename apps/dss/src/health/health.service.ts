import { Inject, Injectable } from '@nestjs/common';
import { answersWithin, DomainError, ErrorCode, UNAVAILABLE_RETRY_SECONDS } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { SESSION_STORE, type SessionStore } from '@dss/secure-channel';
import { DataSource } from 'typeorm';

export interface Readiness {
  status: 'ready';
  database: string;
  sessions: 'memory' | 'redis';
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
  ) {}

  /**
   * Ready when the database answers a trivial query and the session store answers a ping, each
   * within its configured timeout (a frozen dependency must not hang the probe). When not, `503
   * unavailable` names what is down in `down` (comma-separated: `database`, `redis`).
   */
  async ready(): Promise<Readiness> {
    const [database, sessions] = await Promise.all([
      answersWithin(() => this.dataSource.query('SELECT 1'), this.config.databaseTimeoutMs),
      answersWithin(() => this.sessions.ping(), this.config.redisTimeoutMs),
    ]);
    const down = [...(database ? [] : ['database']), ...(sessions ? [] : ['redis'])];
    if (down.length > 0) {
      throw new DomainError(ErrorCode.Unavailable, `not ready: ${down.join(' and ')} down`, {
        down: down.join(','),
        retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS,
      });
    }
    return {
      status: 'ready',
      database: this.config.databaseEngine,
      sessions: this.config.redisUrl === undefined ? 'memory' : 'redis',
    };
  }
}
