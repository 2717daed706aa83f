import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Deletion with a grace period (DESIGN.md §11): `deletion_due_at` is set while a deleted key
 * waits for its destruction (`DSS_KEY_DELETION_GRACE`); the index serves the sweeper. Existing
 * rows keep NULL: they were deleted at once. A frozen snapshot: it does not import the entities.
 */
export class KeyDeletionGrace1765900000001 implements MigrationInterface {
  name = 'KeyDeletionGrace1765900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'key_pairs',
      new TableColumn({
        name: 'deletion_due_at',
        type: 'datetime',
        precision: 3,
        isNullable: true,
      }),
    );
    await queryRunner.createIndex(
      'key_pairs',
      new TableIndex({ name: 'idx_key_pairs_deletion_due_at', columnNames: ['deletion_due_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('key_pairs', 'idx_key_pairs_deletion_due_at');
    await queryRunner.dropColumn('key_pairs', 'deletion_due_at');
  }
}
