import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * An employee's signing key pair (DESIGN.md §3, §4).
 *
 * "At most one active key pair per user" is enforced by the database: `activeUserId` equals
 * `userId` while the pair is active and is NULL once it is deleted, and it carries a UNIQUE
 * index (several NULLs are allowed in a unique index on both SQLite and MySQL).
 */
@Entity({ name: 'key_pairs' })
@Index('idx_key_pairs_user_id', ['userId'])
@Index('idx_key_pairs_user_created', ['userId', 'createdAt'])
@Index('idx_key_pairs_deletion_due_at', ['deletionDueAt'])
@Index('uq_key_pairs_active_user_id', ['activeUserId'], { unique: true })
export class KeyPairEntity {
  /** UUID assigned by the application (`crypto.randomUUID()`); it is part of the wrap AAD. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'int' })
  userId!: number;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_key_pairs_user_id' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 32 })
  algorithm!: string;

  /** PEM/SPKI public key; set to NULL when the pair is deleted. */
  @Column({ name: 'public_key', type: 'text', nullable: true })
  publicKey!: string | null;

  /** Hex SHA-256 of the public key; kept after deletion so audit records stay meaningful. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  /** Private key wrapped under the master key (AES-256-GCM); NULL once deleted. */
  @Column({ name: 'private_key_wrapped', type: 'blob', nullable: true, select: false })
  privateKeyWrapped!: Buffer | null;

  @Column({ name: 'kek_id', type: 'varchar', length: 64, nullable: true })
  kekId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  /** The report's `key_del`. */
  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;

  /**
   * When a rotation retired the pair (DESIGN.md §11): it signs no more, its wrapped private key
   * is destroyed, its public key and certificate stay served. NULL while active or if deleted.
   */
  @Column({ name: 'retired_at', type: 'datetime', precision: 3, nullable: true })
  retiredAt!: Date | null;

  /**
   * Set while a deleted pair waits out `DSS_KEY_DELETION_GRACE`: it no longer signs
   * (`activeUserId` is NULL, `deletedAt` holds the request time) and its material is destroyed
   * at this time unless an administrator cancels. NULL otherwise.
   */
  @Column({ name: 'deletion_due_at', type: 'datetime', precision: 3, nullable: true })
  deletionDueAt!: Date | null;

  /** `userId` while active, NULL once retired or deleted; UNIQUE (see the class comment). */
  @Column({ name: 'active_user_id', type: 'int', nullable: true })
  activeUserId!: number | null;
}
