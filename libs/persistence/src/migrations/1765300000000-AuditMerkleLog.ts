import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { EMPTY_ROOT } from '../../../audit/src/log/merkle';
import { extendTree, LOG_STATE_ID } from '../../../audit/src/log/tree-store';

/**
 * The verifiable log (docs/AUDIT-LOG.md): the stored Merkle tree over the audit events
 * (`audit_log_nodes`, `audit_log_state`) and the signed checkpoints (`audit_log_checkpoints`).
 * Builds the tree for the events already recorded, so that the first checkpoint covers them.
 */
export class AuditMerkleLog1765300000000 implements MigrationInterface {
  name = 'AuditMerkleLog1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_log_nodes',
        columns: [
          { name: 'level', type: 'int', isPrimary: true },
          { name: 'idx', type: 'bigint', isPrimary: true },
          { name: 'hash', type: 'varchar', length: '64' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_log_state',
        columns: [
          { name: 'id', type: 'int', isPrimary: true },
          { name: 'size', type: 'bigint' },
          // JSON array of hex hashes: at most 64 of 64 characters.
          { name: 'compact', type: 'text' },
          { name: 'root', type: 'varchar', length: '64' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_log_checkpoints',
        columns: [
          { name: 'size', type: 'bigint', isPrimary: true },
          { name: 'root_hash', type: 'varchar', length: '64' },
          { name: 'note', type: 'text' },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
      }),
    );
    await queryRunner.query(
      'INSERT INTO audit_log_state (id, size, compact, root) VALUES (?, ?, ?, ?)',
      [LOG_STATE_ID, 0, '[]', EMPTY_ROOT.toString('hex')],
    );
    // The migration runs inside one transaction: no appender can interleave.
    for (;;) {
      const { added } = await extendTree(queryRunner.manager, '', 5000);
      if (added === 0) break;
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_log_checkpoints');
    await queryRunner.dropTable('audit_log_state');
    await queryRunner.dropTable('audit_log_nodes');
  }
}
