import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A CRL the DSS CA issued (RFC 5280 §5); the highest number is the current one. */
@Entity({ name: 'crls' })
export class CrlEntity {
  /** RFC 5280 §5.2.3 cRLNumber; the primary key makes two instances never issue the same one. */
  @PrimaryColumn({ name: 'crl_number', type: 'int' })
  crlNumber!: number;

  @Column({ name: 'this_update', type: 'datetime', precision: 3 })
  thisUpdate!: Date;

  @Column({ name: 'next_update', type: 'datetime', precision: 3 })
  nextUpdate!: Date;

  @Column({ type: 'blob' })
  der!: Buffer;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
