import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../transformers';

/** Primary key of the single audit chain head row. */
export const AUDIT_CHAIN_HEAD_ID = 1;

/** `prev_hash` of the first audit event: 64 zeros. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * The head of the audit chain: one row (id 1), inserted by the initial migration with seq 0 and
 * the genesis hash. Appenders lock it (`FOR UPDATE` on MySQL) to serialise seq assignment.
 */
@Entity({ name: 'audit_chain_head' })
export class AuditChainHeadEntity {
  @PrimaryColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  seq!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
