import { type NestExpressApplication } from '@nestjs/platform-express';
import { type OpenAPIObject } from '@nestjs/swagger';
import { type OperatorBootstrap } from '@dss/accounts';
import { type Clock, createLogger } from '@dss/common';
import { type DssConfig, loadConfig } from '@dss/config';
import { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createAdminApp } from '../../apps/admin/src/admin.app';
import { createTestDatabase, type TestDatabase } from './database';

export interface RunningAdmin {
  url: string;
  app: NestExpressApplication;
  config: DssConfig;
  database: TestDatabase;
  document: OpenAPIObject;
  bootstrap: OperatorBootstrap;
  /** The JSON log lines the app wrote (to check what is and is not logged). */
  logs(): string;
  close(): Promise<void>;
}

export interface StartAdminOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Reuse a database (e.g. the one of a running employee API). */
  database?: TestDatabase;
}

/**
 * Starts the real admin app over HTTP on 127.0.0.1 with a fresh database on the engine chosen by
 * DSS_DATABASE_URL (unset: SQLite), as `npm start` would, on an ephemeral port.
 */
export async function startAdmin(options: StartAdminOptions = {}): Promise<RunningAdmin> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    DSS_DATA_DIR: database.dataDir,
    DSS_DATABASE_URL: database.databaseUrl,
    DSS_LOG_LEVEL: 'info',
    DSS_BCRYPT_COST: '10',
    ...options.env,
  });
  let logs = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  const { app, document, bootstrap } = await createAdminApp(config, {
    clock: options.clock,
    logger: createLogger(config.logLevel, sink),
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    config,
    database,
    document,
    bootstrap,
    logs: () => logs,
    async close() {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
