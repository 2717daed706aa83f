import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What an approval request asks for (dual control, `DSS_DUAL_CONTROL`). */
export type KeyApprovalKind = 'cancel_deletion' | 'allow_new_key';

/** Stored state of a request; `expired` is computed when read, never stored. */
export type KeyApprovalState = 'pending' | 'approved' | 'rejected';

/**
 * A dual-control request: one administrator asked to cancel a user's pending key deletion or to
 * allow a new key pair; a second, different administrator approves or rejects it
 * (docs/OPERATIONS.md, "Dual control"). Never deleted: the history of decisions.
 */
@Entity({ name: 'key_approvals' })
@Index('ix_key_approvals_status', ['status', 'requestedAt'])
export class KeyApprovalEntity {
  /** A random UUID. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: KeyApprovalKind;

  /** Normalised username the action applies to. */
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** Operator (administrator) name of the requester. */
  @Column({ name: 'requested_by', type: 'varchar', length: 128 })
  requestedBy!: string;

  @Column({ name: 'requested_at', type: 'datetime', precision: 3 })
  requestedAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  status!: KeyApprovalState;

  /** Operator name of the approver or rejecter, once decided. */
  @Column({ name: 'decided_by', type: 'varchar', length: 128, nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt!: Date | null;
}
