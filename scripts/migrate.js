#!/usr/bin/env node
// `npm run migration:run`: applies pending database migrations from the compiled code in dist/.
// Reads DSS_DATABASE_URL (unset: SQLite under DSS_DATA_DIR) and DSS_DATA_DIR (default `data`),
// from the environment or a `.env` file in the working directory.
'use strict';

const { existsSync } = require('node:fs');
const path = require('node:path');

const ENTRY = path.join(__dirname, '..', 'dist', 'libs', 'persistence', 'src', 'index.js');

/** One line for any error: the message, or the first nested error's, or its code. */
function describe(err) {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  if (err instanceof Error) return err.message || err.code || err.name;
  return String(err);
}

/** Where we are migrating, without the password. */
function target(engine, databaseUrl, dataDir) {
  if (engine === 'sqlite') return `SQLite ${path.join(dataDir, 'dss.sqlite')}`;
  try {
    const url = new URL(databaseUrl);
    return `MySQL ${url.host}${url.pathname}`;
  } catch {
    return 'MySQL';
  }
}

async function main() {
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (!existsSync(ENTRY)) {
    throw new Error('compiled code not found in dist/: run npm run build first');
  }
  const { engineOf, openDataSource } = require(ENTRY);
  const databaseUrl = process.env.DSS_DATABASE_URL || undefined;
  const dataDir = process.env.DSS_DATA_DIR || 'data';

  console.log(`Migrating ${target(engineOf(databaseUrl), databaseUrl, dataDir)}`);
  const ds = await openDataSource({ databaseUrl, dataDir, migrationsRun: false });
  try {
    const ran = await ds.runMigrations();
    if (ran.length === 0) console.log('No pending migrations.');
    for (const migration of ran) console.log(`Ran ${migration.name}`);
  } finally {
    await ds.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`migration failed: ${describe(err)}`);
    process.exit(1);
  },
);
