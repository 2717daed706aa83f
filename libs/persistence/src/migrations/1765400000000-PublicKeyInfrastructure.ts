import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
  type TableColumnOptions,
  TableIndex,
} from 'typeorm';

/**
 * The DSS PKI (DESIGN.md §10): `pki_keys` (CA and TSA keys, wrapped under the master key, with
 * their certificates), `certificates` (every certificate issued, with its revocation), `crls`
 * (issued CRLs by number), and the optional `full_name` / `email` of users for their
 * certificates. A frozen snapshot, like the initial schema: it does not import the entities.
 */
export class PublicKeyInfrastructure1765400000000 implements MigrationInterface {
  name = 'PublicKeyInfrastructure1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { type } = queryRunner.connection.driver.options;
    const mysql = type === 'mysql' || type === 'mariadb';
    const int = mysql ? 'int' : 'integer';
    const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable,
    });
    const datetime = (name: string, isNullable = false): TableColumnOptions => ({
      name,
      type: 'datetime',
      precision: 3,
      isNullable,
    });

    await queryRunner.createTable(
      new Table({
        name: 'pki_keys',
        columns: [
          { ...varchar('name', 16), isPrimary: true },
          { name: 'certificate', type: 'text', isNullable: true },
          { name: 'chain', type: 'text' },
          { name: 'private_key_wrapped', type: 'blob' },
          varchar('kek_id', 64),
          datetime('created_at'),
          datetime('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'certificates',
        columns: [
          { ...varchar('serial', 40), isPrimary: true },
          varchar('kind', 8),
          varchar('key_id', 36, true),
          { name: 'user_id', type: int, isNullable: true },
          varchar('subject', 512),
          datetime('not_before'),
          datetime('not_after'),
          { name: 'pem', type: 'text' },
          datetime('revoked_at', true),
          datetime('created_at'),
        ],
        indices: [new TableIndex({ name: 'idx_certificates_key_id', columnNames: ['key_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'crls',
        columns: [
          { name: 'crl_number', type: int, isPrimary: true },
          datetime('this_update'),
          datetime('next_update'),
          { name: 'der', type: 'blob' },
          datetime('created_at'),
        ],
      }),
    );
    await queryRunner.addColumns('users', [
      new TableColumn(varchar('full_name', 128, true)),
      new TableColumn(varchar('email', 254, true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'email');
    await queryRunner.dropColumn('users', 'full_name');
    await queryRunner.dropTable('crls');
    await queryRunner.dropTable('certificates');
    await queryRunner.dropTable('pki_keys');
  }
}
