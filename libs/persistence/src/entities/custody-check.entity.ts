import { Column, Entity, PrimaryColumn } from 'typeorm';

/** {@link CustodyCheckEntity.name} of the current master key's check value. */
export const KEK_CHECK_NAME = 'kek_check';

/**
 * Check values of the secrets kept outside the database (DESIGN.md §4): the row named
 * {@link KEK_CHECK_NAME} holds the id (key check value) of the master key that was current
 * when the service last started or rotated. A start whose key ring cannot reproduce it has
 * the wrong master key and is refused before it wraps anything.
 */
@Entity({ name: 'custody_checks' })
export class CustodyCheckEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  value!: string;

  /** `file` or `pkcs11`: where that key lived. */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
