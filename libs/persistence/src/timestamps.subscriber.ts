import {
  type EntityMetadata,
  type EntitySubscriberInterface,
  EventSubscriber,
  type InsertEvent,
  type ObjectLiteral,
  type UpdateEvent,
} from 'typeorm';

/** Properties stamped with the current time on insert when the caller left them unset. */
const STAMPED_ON_INSERT = ['createdAt', 'updatedAt', 'lastSeenAt'] as const;

/** Property stamped on every update. */
const STAMPED_ON_UPDATE = 'updatedAt';

function hasProperty(metadata: EntityMetadata, propertyName: string): boolean {
  return metadata.findColumnWithPropertyName(propertyName) !== undefined;
}

/**
 * Application-assigned timestamps for every entity (UTC, millisecond precision).
 *
 * DSS never relies on database defaults for time: SQLite's `CURRENT_TIMESTAMP` has second
 * precision, MySQL's follows the session time zone, and TypeORM's `@CreateDateColumn` /
 * `@UpdateDateColumn` inherit both. A subscriber, unlike entity listeners, also sees the plain
 * objects given to `insert()` and `update()`, so this covers `save`, `insert` and `update`:
 *
 * - insert: `createdAt`, `updatedAt`, `lastSeenAt` (where the entity has them) default to now;
 * - update: `save()` always refreshes `updatedAt`; `update()` sets it unless the caller did.
 *
 * Raw SQL and `createQueryBuilder().update()` with `callListeners(false)` bypass it.
 */
@EventSubscriber()
export class TimestampSubscriber implements EntitySubscriberInterface<ObjectLiteral> {
  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    const { entity, metadata } = event;
    if (!entity) return;
    const now = new Date();
    for (const property of STAMPED_ON_INSERT) {
      if (hasProperty(metadata, property) && entity[property] == null) {
        entity[property] = now;
      }
    }
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    const { entity, metadata, databaseEntity } = event;
    if (!entity || !hasProperty(metadata, STAMPED_ON_UPDATE)) return;
    // databaseEntity is only loaded by save(); update() passes the caller's values as entity.
    if (databaseEntity !== undefined || entity[STAMPED_ON_UPDATE] === undefined) {
      entity[STAMPED_ON_UPDATE] = new Date();
    }
  }
}
