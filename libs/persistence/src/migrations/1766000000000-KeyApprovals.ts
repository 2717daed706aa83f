import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * `key_approvals`: dual-control requests (`DSS_DUAL_CONTROL`, docs/OPERATIONS.md): cancelling a
 * pending key deletion or allowing a new key pair, asked by one administrator and approved or
 * rejected by another. A frozen snapshot: it does not import the entities.
 */
export class KeyApprovals1766000000000 implements MigrationInterface {
  name = 'KeyApprovals1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'key_approvals',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'requested_by', type: 'varchar', length: '128' },
          { name: 'requested_at', type: 'datetime', precision: 3 },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'decided_by', type: 'varchar', length: '128', isNullable: true },
          { name: 'decided_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'ix_key_approvals_status',
            columnNames: ['status', 'requested_at'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('key_approvals');
  }
}
