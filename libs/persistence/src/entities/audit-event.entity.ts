import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../transformers';

/** Who caused an audit event. */
export type AuditActorType = 'user' | 'operator' | 'system';

/**
 * One link of the append-only, hash-chained audit trail (DESIGN.md §7):
 * `hash = SHA-256(prev_hash || canonical JSON of the event)`. `seq` is assigned by the application
 * as head + 1 inside the transaction of the audited operation, never by the database.
 */
@Entity({ name: 'audit_events' })
@Index('idx_audit_events_action', ['action'])
@Index('idx_audit_events_actor', ['actor'])
@Index('idx_audit_events_subject', ['subject'])
@Index('idx_audit_events_at', ['at'])
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  seq!: number;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;

  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType!: AuditActorType;

  @Column({ type: 'varchar', length: 128 })
  actor!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  subject!: string | null;

  /** Canonical JSON of the event details, stored verbatim so the hash can be recomputed. */
  @Column({ type: 'text' })
  details!: string;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
