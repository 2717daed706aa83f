#!/usr/bin/env node
// `npm run openapi`: writes docs/admin-openapi.json, the OpenAPI document of the admin API, from
// the compiled code in dist/ (the npm script builds first). A test fails when the committed file
// and the code disagree.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'apps', 'admin', 'src', 'openapi.js');

if (!existsSync(entry)) {
  process.stderr.write('openapi: compiled code not found in dist/: run npm run build first\n');
  process.exit(1);
}
require(entry)
  .writeAdminOpenApi(root)
  .then(
    (path) => {
      process.stdout.write(`Wrote ${path}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`openapi: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
