import { Inject, Injectable } from '@nestjs/common';
import { AuditAction } from '@dss/audit';
import { type Clock, CLOCK } from '@dss/common';
import { AuditEventEntity, engineOfDataSource, KeyPairEntity, UserEntity } from '@dss/persistence';
import { DataSource } from 'typeorm';
import { type DayCountDto, type OverviewDto, type UsersByStatusDto } from './dto/overview.dto';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Days in the signatures-per-day series (today included). */
export const SIGNATURE_DAYS = 14;

/** `YYYY-MM-DD` of a time, in UTC. */
const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Counts for the dashboard's overview. Each is one aggregate query on an indexed column
 * (`audit_events.action` / `at`, `key_pairs.active_user_id`); nothing is loaded row by row.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async overview(): Promise<OverviewDto> {
    const now = this.clock.now();
    const firstDay = Date.parse(`${utcDay(now)}T00:00:00.000Z`) - (SIGNATURE_DAYS - 1) * DAY;
    const [usersByStatus, activeKeys, signaturesLast24h, deletionsLast30d, perDay] =
      await Promise.all([
        this.usersByStatus(now),
        this.ds
          .getRepository(KeyPairEntity)
          .createQueryBuilder('k')
          .where('k.activeUserId IS NOT NULL')
          .getCount(),
        this.countEvents(AuditAction.SignatureIssued, now - DAY),
        this.countEvents(AuditAction.KeyDeleted, now - 30 * DAY),
        this.signaturesPerDay(firstDay),
      ]);
    const signaturesPerDay: DayCountDto[] = [];
    for (let i = 0; i < SIGNATURE_DAYS; i++) {
      const day = utcDay(firstDay + i * DAY);
      signaturesPerDay.push({ day, count: perDay.get(day) ?? 0 });
    }
    return { usersByStatus, activeKeys, signaturesLast24h, deletionsLast30d, signaturesPerDay };
  }

  /** Statuses derived exactly as in the accounts service: disabled, locked, must change, active. */
  private async usersByStatus(now: number): Promise<UsersByStatusDto> {
    const notLocked = '(u.lockedUntil IS NULL OR u.lockedUntil <= :now)';
    const row = await this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .select('SUM(CASE WHEN u.disabledAt IS NOT NULL THEN 1 ELSE 0 END)', 'disabled')
      .addSelect(
        'SUM(CASE WHEN u.disabledAt IS NULL AND u.lockedUntil > :now THEN 1 ELSE 0 END)',
        'locked',
      )
      .addSelect(
        `SUM(CASE WHEN u.disabledAt IS NULL AND ${notLocked} AND u.mustChangePassword = 1 THEN 1 ELSE 0 END)`,
        'mustChange',
      )
      .addSelect(
        `SUM(CASE WHEN u.disabledAt IS NULL AND ${notLocked} AND u.mustChangePassword = 0 THEN 1 ELSE 0 END)`,
        'active',
      )
      .setParameter('now', new Date(now))
      .getRawOne<Record<'disabled' | 'locked' | 'mustChange' | 'active', unknown>>();
    return {
      active: toCount(row?.active),
      must_change_password: toCount(row?.mustChange),
      locked: toCount(row?.locked),
      disabled: toCount(row?.disabled),
    };
  }

  private countEvents(action: AuditAction, since: number): Promise<number> {
    return this.ds
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.action = :action', { action })
      .andWhere('e.at >= :since', { since: new Date(since) })
      .getCount();
  }

  /** Signature counts per UTC day from `since` (a day start); days without any are absent. */
  private async signaturesPerDay(since: number): Promise<Map<string, number>> {
    // Datetimes are stored in UTC on both engines (TEXT `YYYY-MM-DD HH:MM:SS.SSS` on SQLite,
    // DATETIME with the connection in 'Z' on MySQL), so the day is the first ten characters.
    const day =
      engineOfDataSource(this.ds) === 'mysql'
        ? "DATE_FORMAT(e.at, '%Y-%m-%d')"
        : 'substr(e.at, 1, 10)';
    const rows = await this.ds
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .select(day, 'day')
      .addSelect('COUNT(*)', 'count')
      .where('e.action = :action', { action: AuditAction.SignatureIssued })
      .andWhere('e.at >= :since', { since: new Date(since) })
      .groupBy('day')
      .getRawMany<{ day: unknown; count: unknown }>();
    return new Map(rows.map((r) => [String(r.day), toCount(r.count)]));
  }
}

/** Aggregates come back as number, bigint or string depending on the driver; NULL for no rows. */
function toCount(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}
