import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What a certificate certifies. */
export type CertificateKind = 'user' | 'tsa';

/**
 * A certificate the DSS CA issued (RFC 5280). Kept after its key is deleted: the CRL lists it
 * and verifiers still need it for signatures made before the revocation.
 */
@Entity({ name: 'certificates' })
@Index('idx_certificates_key_id', ['keyId'])
export class CertificateEntity {
  /** Lowercase hex serial (128 random bits). */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  serial!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: CertificateKind;

  /** The user key pair it certifies (kind `user`). */
  @Column({ name: 'key_id', type: 'varchar', length: 36, nullable: true })
  keyId!: string | null;

  @Column({ name: 'user_id', type: 'int', nullable: true })
  userId!: number | null;

  /** The subject as RFC 4514 text, for the key inventory. */
  @Column({ type: 'varchar', length: 512 })
  subject!: string;

  @Column({ name: 'not_before', type: 'datetime', precision: 3 })
  notBefore!: Date;

  @Column({ name: 'not_after', type: 'datetime', precision: 3 })
  notAfter!: Date;

  /** The certificate, PEM. */
  @Column({ type: 'text' })
  pem!: string;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
