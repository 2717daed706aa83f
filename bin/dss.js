#!/usr/bin/env node
'use strict';
// `dss`: the employee command line (sign files with your key held by the DSS server).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`dss: not built yet; run \`npm run build\` in ${join(__dirname, '..')}\n`);
  process.exit(1);
}
require(entry);
