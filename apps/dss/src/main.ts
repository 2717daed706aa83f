import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { leaveQuietlyOnSignalUntilStarted } from '@dss/common';
import { ConfigError, describeDatabase, loadConfig } from '@dss/config';
import { createDssApp, startMetrics } from './dss.app';

async function main(): Promise<void> {
  const started = leaveQuietlyOnSignalUntilStarted();
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const dss = await createDssApp(config);
  const { app, identity, logger } = dss;
  await app.listen(config.port, config.host);
  const metrics = await startMetrics(dss, config);
  started();
  if (metrics) logger.info({ url: metrics.url }, 'metrics listening');
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  logger.info(
    { url, database: config.databaseEngine, fingerprint: identity.fingerprint },
    'DSS employee API listening',
  );
  process.stdout.write(
    [
      `DSS employee API listening on ${url}`,
      `Server key fingerprint (SHA-256): ${identity.fingerprint}`,
      `Public key for clients: ${identity.publicKeyFile}`,
      `Data directory: ${config.dataDir}; database: ${describeDatabase(config)}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  const message =
    err instanceof ConfigError
      ? `configuration error: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
  process.stderr.write(`dss: cannot start: ${message}\n`);
  process.exit(1);
});
