import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * `login_failures`: consecutive failed logins per (account kind, name, client address), plus one
 * account-wide row per name (client `*`), with the lock each has earned. Names without an account
 * are counted here exactly like real ones, so lock state says nothing about which names exist, and
 * every instance sees the same counters (docs/SECURITY.md, "Lockout").
 *
 * `operators.temp_password_expires_at`: one-time operator passwords expire like users' (null for
 * the bootstrap `admin`, and for rows made before this migration).
 */
export class LoginFailures1765500000000 implements MigrationInterface {
  name = 'LoginFailures1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { type } = queryRunner.connection.driver.options;
    const mysql = type === 'mysql' || type === 'mariadb';
    // SQLite's rowid alias must be spelt INTEGER (as in InitialSchema).
    const int = mysql ? 'int' : 'integer';
    await queryRunner.createTable(
      new Table({
        name: 'login_failures',
        columns: [
          {
            name: 'id',
            type: int,
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'account', type: 'varchar', length: '128' },
          { name: 'client', type: 'varchar', length: '64' },
          { name: 'failures', type: int, default: '0' },
          { name: 'locked_until', type: 'datetime', precision: 3, isNullable: true },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          new TableIndex({
            name: 'uq_login_failures_key',
            columnNames: ['kind', 'account', 'client'],
            isUnique: true,
          }),
          new TableIndex({ name: 'ix_login_failures_updated', columnNames: ['updated_at'] }),
        ],
      }),
    );
    await queryRunner.addColumn(
      'operators',
      new TableColumn({
        name: 'temp_password_expires_at',
        type: 'datetime',
        precision: 3,
        isNullable: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('operators', 'temp_password_expires_at');
    await queryRunner.dropTable('login_failures');
  }
}
