import { type NestExpressApplication } from '@nestjs/platform-express';
import { type Clock } from '@dss/common';
import { type DssConfig, loadConfig } from '@dss/config';
import { type ServerIdentity } from '@dss/keystore';
import { type AddressInfo } from 'node:net';
import { createDssApp, type CreateDssAppOptions } from '../../apps/dss/src/dss.app';
import { createTestDatabase, type TestDatabase } from './database';

export interface RunningDss {
  url: string;
  app: NestExpressApplication;
  config: DssConfig;
  identity: ServerIdentity;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface StartDssOptions {
  env?: Record<string, string>;
  clock?: Clock;
  extraModules?: CreateDssAppOptions['extraModules'];
  /** A logger to use instead of a silent one (tests that read the logs). */
  logger?: CreateDssAppOptions['logger'];
  /** Reuse a database (e.g. to restart a server on the same data). */
  database?: TestDatabase;
  /** Serve the hot routes lean (default) or through Nest only. */
  leanRoutes?: boolean;
  /** Listen on this port (default: an ephemeral one), e.g. to restart a server at its URL. */
  port?: number;
}

/**
 * Starts the real employee API over HTTP on 127.0.0.1 with a fresh database on the engine chosen
 * by DSS_DATABASE_URL (unset: SQLite), as `npm start` would, on an ephemeral port.
 */
export async function startDss(options: StartDssOptions = {}): Promise<RunningDss> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    DSS_DATA_DIR: database.dataDir,
    DSS_DATABASE_URL: database.databaseUrl,
    DSS_LOG_LEVEL: 'silent',
    DSS_BCRYPT_COST: '10',
    ...options.env,
  });
  const { app, identity } = await createDssApp(config, {
    clock: options.clock,
    extraModules: options.extraModules,
    logger: options.logger,
    leanRoutes: options.leanRoutes,
  });
  await app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    config,
    identity,
    database,
    async close() {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
