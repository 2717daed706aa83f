import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Operator roles of the admin app: admin (read/write) and auditor (read-only). */
export type OperatorRole = 'admin' | 'auditor';

/** An account of the admin app (DESIGN.md §6). Timestamps as for `UserEntity`. */
@Entity({ name: 'operators' })
@Index('uq_operators_username', ['username'], { unique: true })
export class OperatorEntity {
  @PrimaryGeneratedColumn('increment', { type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: OperatorRole;

  @Column({ name: 'must_change_password', type: 'boolean', default: true })
  mustChangePassword!: boolean;

  /** Expiry of the one-time password; null for the bootstrap `admin` (DESIGN.md §6). */
  @Column({ name: 'temp_password_expires_at', type: 'datetime', precision: 3, nullable: true })
  tempPasswordExpiresAt!: Date | null;

  @Column({ name: 'failed_logins', type: 'int', default: 0 })
  failedLogins!: number;

  @Column({ name: 'locked_until', type: 'datetime', precision: 3, nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'disabled_at', type: 'datetime', precision: 3, nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'last_login_at', type: 'datetime', precision: 3, nullable: true })
  lastLoginAt!: Date | null;
}
