import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The keys of the DSS PKI itself. */
export type PkiKeyName = 'ca' | 'tsa';

/**
 * A private key of the DSS PKI (the certificate authority, the time-stamping authority) with its
 * certificate. The key is wrapped under the master key like users' keys (DESIGN.md §4), with the
 * key name as key id and user 0 in the AAD, so it shares their custody, rotation and backups and
 * every instance behind a load balancer signs with the same CA.
 */
@Entity({ name: 'pki_keys' })
export class PkiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  name!: PkiKeyName;

  /** The key's certificate (PEM); NULL while a CSR waits for an organisation's root to sign it. */
  @Column({ type: 'text', nullable: true })
  certificate!: string | null;

  /** Certificates above it (PEM, nearest first); empty for a self-made root. */
  @Column({ type: 'text' })
  chain!: string;

  /** PKCS#8 DER wrapped under the master key (see `wrapPrivateKey`). */
  @Column({ name: 'private_key_wrapped', type: 'blob', select: false })
  privateKeyWrapped!: Buffer;

  @Column({ name: 'kek_id', type: 'varchar', length: 64 })
  kekId!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
