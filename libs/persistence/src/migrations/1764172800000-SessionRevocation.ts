import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * `users.sessions_valid_after`: secure sessions logged in before this time are ended. Set when an
 * administrator disables a user or resets the password, and when the user changes it, so those
 * take effect at once on every instance — not when the session happens to expire.
 */
export class SessionRevocation1764172800000 implements MigrationInterface {
  name = 'SessionRevocation1764172800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'users',
      new TableColumn({
        name: 'sessions_valid_after',
        type: 'datetime',
        precision: 3,
        isNullable: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'sessions_valid_after');
  }
}
