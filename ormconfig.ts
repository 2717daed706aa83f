/**
 * DataSource for the TypeORM CLI (`npm run migration:generate -- libs/persistence/src/migrations/<Name>`).
 * Reads DSS_DATABASE_URL (unset: SQLite under DSS_DATA_DIR) and DSS_DATA_DIR (default `data`),
 * from the environment or a `.env` file. The default export is a promise: for MySQL the server
 * is asked whether it is MariaDB, whose information_schema TypeORM must read differently.
 * Imports by relative path: the CLI does not know the `@dss/*` aliases.
 */
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { resolveDataSourceOptions } from './libs/persistence/src';

if (existsSync('.env')) process.loadEnvFile('.env');

export default resolveDataSourceOptions({
  databaseUrl: process.env.DSS_DATABASE_URL || undefined,
  dataDir: process.env.DSS_DATA_DIR || 'data',
}).then((options) => new DataSource(options));
