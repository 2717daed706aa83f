#!/usr/bin/env node
// `npm run api-types` (part of `npm run build` and `npm run openapi`): writes the dashboard's API
// types, apps/admin/web/src/api/schema.d.ts, from docs/admin-openapi.json, so the dashboard is
// typed by the admin API's contract rather than by a hand-written copy of its DTOs. The OpenAPI
// drift test runs `--check`, which writes nothing and fails when the committed file is not what
// this would write.
'use strict';
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** Where the generated types are committed, from the repository root. */
const SCHEMA_FILE = join('apps', 'admin', 'web', 'src', 'api', 'schema.d.ts');
const OPENAPI_FILE = join('docs', 'admin-openapi.json');

const HEADER =
  '// Generated from docs/admin-openapi.json by scripts/admin-api-types.js: do not edit.\n' +
  '// After an admin API change: npm run openapi (it runs npm run api-types too).\n\n';

/** The text of {@link SCHEMA_FILE} for the OpenAPI document committed under `base`. */
async function generateAdminApiTypes(base = root) {
  const { default: openapiTS, astToString } = require('openapi-typescript');
  const document = JSON.parse(readFileSync(join(base, OPENAPI_FILE), 'utf8'));
  // Nullable fields come out as `T | null` (OpenAPI 3.0's `nullable`), as the API answers them.
  const ast = await openapiTS(document, { alphabetize: false, exportType: true });
  // Formatted as the rest of the code, so `npm run lint` (prettier --check) passes on it.
  const prettier = require('prettier');
  const path = join(base, SCHEMA_FILE);
  const options = { ...(await prettier.resolveConfig(path)), filepath: path };
  return prettier.format(HEADER + astToString(ast), options);
}

/** `--check`: whether the committed file is up to date; else writes it. */
function run(text) {
  const path = join(root, SCHEMA_FILE);
  if (process.argv.includes('--check')) {
    if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
    process.stderr.write(
      `admin-api-types: ${SCHEMA_FILE} is not generated from ${OPENAPI_FILE}: run \`npm run api-types\` and commit it\n`,
    );
    process.exit(1);
  }
  writeFileSync(path, text);
  process.stdout.write(`Wrote ${SCHEMA_FILE}\n`);
}

generateAdminApiTypes().then(run, (err) => {
  process.stderr.write(`admin-api-types: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
