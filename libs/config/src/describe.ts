import { join } from 'node:path';
import { type DssConfig } from './config';

/**
 * The database in words for the start-up summary: the SQLite file, or the server and database
 * name of a MySQL/MariaDB URL — never its user name or password.
 */
export function describeDatabase(config: DssConfig): string {
  if (config.databaseUrl === undefined) {
    return `SQLite file ${join(config.dataDir, 'dss.sqlite')} (embedded default)`;
  }
  try {
    const url = new URL(config.databaseUrl);
    return `${config.databaseEngine} ${url.host}${url.pathname}`;
  } catch {
    return config.databaseEngine;
  }
}
