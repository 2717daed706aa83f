import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The client of the account-wide row of a name in `login_failures`. */
export const ACCOUNT_WIDE_CLIENT = '*';

/**
 * Consecutive failed logins of one name from one client address, or of the name from everywhere
 * (`client` = {@link ACCOUNT_WIDE_CLIENT}), and the lock they earned (docs/SECURITY.md).
 */
@Entity({ name: 'login_failures' })
@Index('uq_login_failures_key', ['kind', 'account', 'client'], { unique: true })
@Index('ix_login_failures_updated', ['updatedAt'])
export class LoginFailureEntity {
  @PrimaryGeneratedColumn('increment', { type: 'int' })
  id!: number;

  /** Kind of account: `user` or `operator`. */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  /** Normalised login name, whether or not an account has it. */
  @Column({ type: 'varchar', length: 128 })
  account!: string;

  @Column({ type: 'varchar', length: 64 })
  client!: string;

  @Column({ type: 'int', default: 0 })
  failures!: number;

  @Column({ name: 'locked_until', type: 'datetime', precision: 3, nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
