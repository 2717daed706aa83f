import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * `custody_checks`: the key check value of the current master key, so a start with the wrong
 * master key is refused (DESIGN.md §4). A frozen snapshot: it does not import the entities.
 */
export class CustodyChecks1765600000000 implements MigrationInterface {
  name = 'CustodyChecks1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'custody_checks',
        columns: [
          { name: 'name', type: 'varchar', length: '32', isPrimary: true },
          { name: 'value', type: 'varchar', length: '64' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('custody_checks');
  }
}
