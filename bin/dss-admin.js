#!/usr/bin/env node
'use strict';
// `dss-admin`: operator commands, run on the server host against the configured database.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'dss-admin', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(
    `dss-admin: not built yet; run \`npm run build\` in ${join(__dirname, '..')}\n`,
  );
  process.exit(1);
}
require(entry);
