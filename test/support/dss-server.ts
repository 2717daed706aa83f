import { randomBytes } from 'node:crypto';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type Clock } from '@dss/common';
import { type DssConfig, loadConfig } from '@dss/config';
import { type ServerIdentity } from '@dss/keystore';
import { type AddressInfo } from 'node:net';
import { createDssApp, type CreateDssAppOptions, type DssApp } from '../../apps/dss/src/dss.app';
import { createTestDatabase, type TestDatabase } from './database';

export interface RunningDss {
  url: string;
  app: NestExpressApplication;
  config: DssConfig;
  identity: ServerIdentity;
  database: TestDatabase;
  /** The app as `createDssApp` built it (its logger and metrics). */
  dss: DssApp;
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
  /** Dispatch the hot routes without Nest's router (default) or through Nest only. */
  hotRoutes?: boolean;
  /** Listen on this port (default: an ephemeral one), e.g. to restart a server at its URL. */
  port?: number;
}

/**
 * With `DSS_TEST_REDIS_URL` set, the employee API under test keeps its sessions in that Redis,
 * under a key prefix of its own so that parallel suites never share a session, window or bucket.
 */
export function testRedisEnv(): Record<string, string> {
  const url = process.env.DSS_TEST_REDIS_URL?.trim();
  if (!url) return {};
  return {
    DSS_REDIS_URL: url,
    DSS_REDIS_KEY_PREFIX: `dss-test:${randomBytes(6).toString('hex')}:`,
  };
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
    ...testRedisEnv(),
    ...options.env,
  });
  const dss = await createDssApp(config, {
    clock: options.clock,
    extraModules: options.extraModules,
    logger: options.logger,
    hotRoutes: options.hotRoutes,
  });
  const { app, identity } = dss;
  await app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    config,
    identity,
    database,
    dss,
    async close() {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
