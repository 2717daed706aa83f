#!/usr/bin/env node
// `npm run bench [-- options]`: builds when the build is missing or older than the sources (as
// `npm start` does), then runs the benchmark (dist/bench/main.js). `npm run bench -- --help`.
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist/bench/main.js');
const builtFiles = [entry, join(root, 'dist/apps/dss/src/main.js')];

function newestSource(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'web', 'results'].includes(name.name)) continue;
    const path = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (name.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  if (!builtFiles.every((f) => existsSync(f))) return true;
  const built = Math.min(...builtFiles.map((f) => statSync(f).mtimeMs));
  return ['apps', 'libs', 'bench'].some((d) => newestSource(join(root, d)) > built);
}

if (needsBuild()) {
  process.stderr.write('Building DSS and the benchmark…\n');
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'dss'],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0 && !builtFiles.every((f) => existsSync(f))) {
    process.stderr.write(
      'bench: the build failed; run `npm ci` first if node_modules is missing\n',
    );
    process.exit(result.status ?? 1);
  }
}

const child = spawn(process.execPath, [entry, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: process.env,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
