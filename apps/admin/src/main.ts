import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { leaveQuietlyOnSignalUntilStarted } from '@dss/common';
import { ConfigError, loadConfig } from '@dss/config';
import { createAdminApp, DOCS_PATH } from './admin.app';

async function main(): Promise<void> {
  const started = leaveQuietlyOnSignalUntilStarted();
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const { app, logger, bootstrap } = await createAdminApp(config);
  await app.listen(config.adminPort, config.adminHost);
  started();
  const host = config.adminHost === '0.0.0.0' ? 'localhost' : config.adminHost;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.adminPort}`;
  logger.info({ url, database: config.databaseEngine }, 'DSS admin API listening');
  const lines = [
    `DSS admin dashboard on ${url}/`,
    `DSS admin API listening on ${url}/api (Swagger UI: ${url}/${DOCS_PATH})`,
  ];
  if (bootstrap.passwordFile !== undefined) {
    lines.push(
      `Created operator "${bootstrap.username}"; its one-time password is in ${bootstrap.passwordFile} (change it at first login)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  const message =
    err instanceof ConfigError
      ? `configuration error: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
  process.stderr.write(`dss admin: cannot start: ${message}\n`);
  process.exit(1);
});
