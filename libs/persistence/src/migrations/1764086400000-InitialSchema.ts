import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  type TableColumnOptions,
  TableForeignKey,
  TableIndex,
} from 'typeorm';

/**
 * The initial DSS schema (DESIGN.md §3): users, key_pairs, audit_events, audit_chain_head,
 * operators, operator_sessions.
 *
 * Written with the Table API so one migration yields the right DDL on SQLite and on
 * MySQL/MariaDB. The few type names that differ are picked per engine exactly as TypeORM
 * normalises the entity types, so the schema builder sees no difference afterwards. It is a
 * frozen snapshot: it does not import the entities.
 */
export class InitialSchema1764086400000 implements MigrationInterface {
  name = 'InitialSchema1764086400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { type } = queryRunner.connection.driver.options;
    const mysql = type === 'mysql' || type === 'mariadb';
    // SQLite's rowid alias must be spelt INTEGER; TypeORM stores booleans as tinyint on MySQL.
    const int = mysql ? 'int' : 'integer';
    const bool = mysql ? 'tinyint' : 'boolean';
    const ms = { type: 'datetime', precision: 3 } as const;

    const autoId: TableColumnOptions = {
      name: 'id',
      type: int,
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    };
    const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable,
    });
    const datetime = (name: string, isNullable = false): TableColumnOptions => ({
      name,
      ...ms,
      isNullable,
    });

    const tables = [
      new Table({
        name: 'users',
        columns: [
          autoId,
          varchar('username', 64),
          varchar('password_hash', 255),
          { name: 'must_change_password', type: bool, default: '1' },
          datetime('temp_password_expires_at', true),
          { name: 'failed_logins', type: int, default: '0' },
          datetime('locked_until', true),
          datetime('disabled_at', true),
          { name: 'key_creation_blocked', type: bool, default: '0' },
          datetime('created_at'),
          datetime('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_users_username', columnNames: ['username'], isUnique: true }),
        ],
      }),
      new Table({
        name: 'key_pairs',
        columns: [
          { ...varchar('id', 36), isPrimary: true },
          { name: 'user_id', type: int },
          varchar('algorithm', 32),
          { name: 'public_key', type: 'text', isNullable: true },
          varchar('fingerprint', 64),
          { name: 'private_key_wrapped', type: 'blob', isNullable: true },
          varchar('kek_id', 64, true),
          datetime('created_at'),
          { name: 'deleted', type: bool, default: '0' },
          datetime('deleted_at', true),
          // = user_id while active, NULL once deleted: at most one active pair per user.
          { name: 'active_user_id', type: int, isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_key_pairs_user_id', columnNames: ['user_id'] }),
          new TableIndex({
            name: 'uq_key_pairs_active_user_id',
            columnNames: ['active_user_id'],
            isUnique: true,
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_key_pairs_user_id',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'RESTRICT',
          }),
        ],
      }),
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'seq', type: 'bigint', isPrimary: true },
          datetime('at'),
          varchar('actor_type', 16),
          varchar('actor', 128),
          varchar('action', 64),
          varchar('subject', 128, true),
          { name: 'details', type: 'text' },
          varchar('prev_hash', 64),
          varchar('hash', 64),
        ],
        indices: ['action', 'actor', 'subject', 'at'].map(
          (column) => new TableIndex({ name: `idx_audit_events_${column}`, columnNames: [column] }),
        ),
      }),
      new Table({
        name: 'audit_chain_head',
        columns: [
          { name: 'id', type: int, isPrimary: true },
          { name: 'seq', type: 'bigint' },
          varchar('hash', 64),
        ],
      }),
      new Table({
        name: 'operators',
        columns: [
          autoId,
          varchar('username', 64),
          varchar('password_hash', 255),
          varchar('role', 16),
          { name: 'must_change_password', type: bool, default: '1' },
          { name: 'failed_logins', type: int, default: '0' },
          datetime('locked_until', true),
          datetime('disabled_at', true),
          datetime('created_at'),
          datetime('updated_at'),
          datetime('last_login_at', true),
        ],
        indices: [
          new TableIndex({
            name: 'uq_operators_username',
            columnNames: ['username'],
            isUnique: true,
          }),
        ],
      }),
      new Table({
        name: 'operator_sessions',
        columns: [
          { ...varchar('id', 64), isPrimary: true },
          { name: 'operator_id', type: int },
          varchar('kind', 16),
          varchar('csrf_token_hash', 64, true),
          datetime('created_at'),
          datetime('last_seen_at'),
          datetime('expires_at'),
          datetime('revoked_at', true),
        ],
        indices: [
          new TableIndex({
            name: 'idx_operator_sessions_operator_id',
            columnNames: ['operator_id'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_operator_sessions_operator_id',
            columnNames: ['operator_id'],
            referencedTableName: 'operators',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'RESTRICT',
          }),
        ],
      }),
    ];

    for (const table of tables) {
      await queryRunner.createTable(table, false, true, true);
      if (mysql) {
        // utf8mb4 whatever the database default is (MariaDB still defaults to latin1), and a
        // binary collation so comparisons are case-sensitive exactly as on SQLite.
        await queryRunner.query(
          `ALTER TABLE \`${table.name}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
        );
      }
    }

    await queryRunner.query('INSERT INTO audit_chain_head (id, seq, hash) VALUES (?, ?, ?)', [
      1,
      0,
      '0'.repeat(64),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of [
      'operator_sessions',
      'operators',
      'audit_chain_head',
      'audit_events',
      'key_pairs',
      'users',
    ]) {
      await queryRunner.dropTable(name, false, true, true);
    }
  }
}
