#!/usr/bin/env node
'use strict';
// `npm ci` runs this (the package's install script): it builds build/Release/dss_native.node,
// the small OpenSSL module that signs client-supplied digests (libs/keystore/native). Where it
// cannot be built (no C compiler), the install goes on: digest signing then runs in JavaScript,
// much slower, and the service and `dss-admin doctor` say so.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

// npm hands its own node-gyp to install scripts; outside npm, look beside the npm that runs node.
const bundled = join(
  dirname(process.execPath),
  '..',
  'lib',
  'node_modules',
  'npm',
  'node_modules',
  'node-gyp',
  'bin',
  'node-gyp.js',
);
const nodeGyp = process.env.npm_config_node_gyp || (existsSync(bundled) ? bundled : null);
if (nodeGyp === null) {
  console.warn('dss: node-gyp not found; digest signing will run in JavaScript (slower)');
  process.exit(0);
}
const args = [nodeGyp, 'rebuild'];
// npm passes its `nodedir` setting as an environment variable; node-gyp reads it from there.
const r = spawnSync(process.execPath, args, {
  cwd: join(__dirname, '..'),
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (r.status !== 0) {
  console.warn(
    'dss: the native digest signer could not be built (see above); digest signing will run in ' +
      'JavaScript, about fifty times slower. Install python3, make and a C compiler, then run ' +
      '`npm run build:native`.',
  );
}
process.exit(0);
