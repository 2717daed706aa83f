#!/usr/bin/env node
// `npm start`: builds the service when the build is missing or older than the sources, applies
// pending migrations once, then runs the employee API and the admin app as two processes on the
// configured database (the embedded SQLite file under ./data by default). Ctrl-C or SIGTERM stops
// both; if either exits, the other is stopped and `npm start` exits with the first one's code.
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const apps = [
  { name: 'employee API', entry: join(root, 'dist/apps/dss/src/main.js') },
  { name: 'admin app', entry: join(root, 'dist/apps/admin/src/main.js') },
];
/** How long a stopping app may take before it is killed. */
const STOP_GRACE_MS = 10_000;

/** Newest modification time of the files below `dir` whose names end with one of `endings`. */
function newest(dir, endings, skip = []) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || skip.includes(entry.name))
      continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, endings, skip));
    else if (endings.some((e) => entry.name.endsWith(e)))
      latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

function builtAt(files) {
  return files.every((f) => existsSync(f)) ? Math.min(...files.map((f) => statSync(f).mtimeMs)) : 0;
}

function run(args, what) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  // Ctrl-C during the build: the terminal sent it to the build too; leave quietly.
  if (result.signal === 'SIGINT' || result.signal === 'SIGTERM') process.exit(0);
  if (result.status !== 0) {
    process.stderr.write(
      `dss: the ${what} build failed; run \`npm ci\` first if node_modules is missing\n`,
    );
    process.exit(result.status ?? 1);
  }
}

// The services (TypeScript under apps/ and libs/, the dashboard sources excepted).
const servicesBuilt = builtAt(apps.map((app) => app.entry));
if (
  !servicesBuilt ||
  ['apps', 'libs'].some((d) => newest(join(root, d), ['.ts'], ['web']) > servicesBuilt)
) {
  process.stdout.write('Building DSS…\n');
  run([join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'dss'], 'service');
}
// The admin dashboard (React, built by Vite into dist/admin-web).
const web = join(root, 'apps/admin/web');
const dashboardBuilt = builtAt([join(root, 'dist/admin-web/index.html')]);
if (
  existsSync(web) &&
  (!dashboardBuilt || newest(web, ['.ts', '.tsx', '.css', '.html', '.svg']) > dashboardBuilt)
) {
  process.stdout.write('Building the admin dashboard…\n');
  run(
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--configLoader',
      'runner',
      '--config',
      join(web, 'vite.config.ts'),
    ],
    'dashboard',
  );
}

// Both apps migrate at start; doing it once first keeps them from racing on a fresh database.
// A failure here is left to the apps, which report it (and bad configuration) in their own words.
if (!/^(0|false|no|off)$/i.test((process.env.DSS_MIGRATIONS_RUN ?? '').trim())) {
  spawnSync(process.execPath, [join(root, 'scripts/migrate.js')], {
    stdio: 'ignore',
    env: process.env,
  });
}

let first; // { code, signal } of the first app to exit
let requested; // the signal we were asked to stop with
const running = apps.map((app) => ({
  ...app,
  // Production unless the caller says otherwise (development-only checks off; see OPERATIONS.md).
  child: spawn(process.execPath, [app.entry], {
    stdio: 'inherit',
    env: { NODE_ENV: 'production', ...process.env },
  }),
}));

function stopAll(signal) {
  for (const { child } of running) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill(signal);
    setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    requested = signal;
    stopAll(signal);
  });
}

for (const app of running) {
  app.child.on('exit', (code, signal) => {
    if (first === undefined) {
      first = { code, signal };
      if (requested === undefined) stopAll('SIGTERM');
    }
    if (running.every(({ child }) => child.exitCode !== null || child.signalCode !== null)) {
      const { code: c, signal: s } = first;
      process.exit(s ? (s === requested ? 0 : 1) : (c ?? 0));
    }
  });
}
