import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OperatorEntity } from './operator.entity';

/** Bearer tokens for scripts and auditors; HttpOnly cookie sessions for the dashboard. */
export type OperatorSessionKind = 'bearer' | 'cookie';

/**
 * A session of the admin app (DESIGN.md §6). The id is the hex SHA-256 of the random token;
 * the token itself is never stored, so a database leak does not yield usable sessions.
 */
@Entity({ name: 'operator_sessions' })
@Index('idx_operator_sessions_operator_id', ['operatorId'])
export class OperatorSessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'operator_id', type: 'int' })
  operatorId!: number;

  @ManyToOne(() => OperatorEntity, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'operator_id', foreignKeyConstraintName: 'fk_operator_sessions_operator_id' })
  operator?: OperatorEntity;

  @Column({ type: 'varchar', length: 16 })
  kind!: OperatorSessionKind;

  /** Hex SHA-256 of the CSRF token (cookie sessions only). */
  @Column({ name: 'csrf_token_hash', type: 'varchar', length: 64, nullable: true })
  csrfTokenHash!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'datetime', precision: 3 })
  lastSeenAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;
}
