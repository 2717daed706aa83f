import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An employee account of the signing service (DESIGN.md §3, §5).
 *
 * Timestamps are assigned by the application (UTC, millisecond precision), never by a database
 * default; `TimestampSubscriber` fills `createdAt` / `updatedAt` when the caller does not.
 */
@Entity({ name: 'users' })
@Index('uq_users_username', ['username'], { unique: true })
export class UserEntity {
  @PrimaryGeneratedColumn('increment', { type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** bcrypt hash of the peppered password; never selected unless asked for. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash!: string;

  /** The report's `is_new`: the user still holds a temporary password. */
  @Column({ name: 'must_change_password', type: 'boolean', default: true })
  mustChangePassword!: boolean;

  @Column({ name: 'temp_password_expires_at', type: 'datetime', precision: 3, nullable: true })
  tempPasswordExpiresAt!: Date | null;

  @Column({ name: 'failed_logins', type: 'int', default: 0 })
  failedLogins!: number;

  @Column({ name: 'locked_until', type: 'datetime', precision: 3, nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'disabled_at', type: 'datetime', precision: 3, nullable: true })
  disabledAt!: Date | null;

  /** Set by DeleteKeys; an administrator clears it to allow a new key pair. */
  /** Secure sessions that logged in before this instant are ended (disable, reset, change). */
  @Column({ name: 'sessions_valid_after', type: 'datetime', precision: 3, nullable: true })
  sessionsValidAfter!: Date | null;

  @Column({ name: 'key_creation_blocked', type: 'boolean', default: false })
  keyCreationBlocked!: boolean;

  /** Optional: the CN of the user's certificates (else the username). */
  @Column({ name: 'full_name', type: 'varchar', length: 128, nullable: true })
  fullName!: string | null;

  /** Optional: the e-mail address in the subjectAltName of the user's certificates. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
