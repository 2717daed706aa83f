import {
  AdvancedConsoleLogger,
  type AfterQueryEvent,
  type EntitySubscriberInterface,
  EventSubscriber,
  type ObjectLiteral,
} from 'typeorm';

/** mysql2's code for a query that did not answer within its `timeout`. */
const QUERY_TIMEOUT = 'PROTOCOL_SEQUENCE_TIMEOUT';

interface Destroyable {
  destroy?: () => void;
}

/**
 * Drops a MySQL connection whose query timed out. mysql2 fails the query but leaves it at the head
 * of the connection's command queue, so the next query on that pooled connection would wait behind
 * it, untimed, for as long as the server stays frozen. Destroying the connection takes it out of
 * the pool; the pool opens fresh ones (each bounded by the connect timeout) when the server is back.
 */
@EventSubscriber()
export class QueryTimeoutSubscriber implements EntitySubscriberInterface<ObjectLiteral> {
  afterQuery(event: AfterQueryEvent<ObjectLiteral>): void {
    if (event.success) return;
    const code = (event.error as { code?: unknown } | undefined)?.code;
    if (code !== QUERY_TIMEOUT) return;
    const { databaseConnection } = event.queryRunner as { databaseConnection?: Destroyable };
    databaseConnection?.destroy?.();
  }
}

/**
 * TypeORM's console logger without the slow-query report: that report prints the statement with
 * its parameters (user names, digests, hashes), and a query timeout turns every slow query into
 * an error anyway, answered 503 and counted.
 */
export class NoSlowQueryLogger extends AdvancedConsoleLogger {
  override logQuerySlow(): void {
    // Deliberately silent, see the class comment.
  }
}
