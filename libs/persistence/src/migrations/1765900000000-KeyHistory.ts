import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Key history (DESIGN.md §11): a user may hold several key pairs over time, at most one active
 * (`active_user_id`, unchanged). `retired_at` marks a pair a rotation replaced. Existing rows
 * need no conversion: an active pair stays the user's active key, a deleted one stays deleted
 * (its validity ends at `deleted_at`). The index serves GetPublicKey's look-up by time. A frozen
 * snapshot: it does not import the entities.
 */
export class KeyHistory1765900000000 implements MigrationInterface {
  name = 'KeyHistory1765900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'key_pairs',
      new TableColumn({ name: 'retired_at', type: 'datetime', precision: 3, isNullable: true }),
    );
    await queryRunner.createIndex(
      'key_pairs',
      new TableIndex({
        name: 'idx_key_pairs_user_created',
        columnNames: ['user_id', 'created_at'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('key_pairs', 'idx_key_pairs_user_created');
    await queryRunner.dropColumn('key_pairs', 'retired_at');
  }
}
