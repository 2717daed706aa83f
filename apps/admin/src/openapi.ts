import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@dss/common';
import { loadConfig } from '@dss/config';
import { createAdminApp } from './admin.app';
import { serializeOpenApiDocument } from './common/openapi-document';

/** Where the OpenAPI document of the admin API is committed, from the repository root. */
export const OPENAPI_FILE = join('docs', 'admin-openapi.json');

/**
 * The admin API's OpenAPI document, generated from the code exactly as the app serves it at
 * /api/docs-json. Builds the app on a throwaway SQLite database in a temporary directory (the
 * environment is not read), so the output depends on the code alone.
 */
export async function generateAdminOpenApi(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dss-openapi-'));
  try {
    const config = loadConfig(
      { DSS_DATA_DIR: dir, DSS_LOG_LEVEL: 'silent', DSS_BCRYPT_COST: '10' },
      dir,
    );
    const { app, document } = await createAdminApp(config, {
      bootstrapOperator: false,
      logger: createLogger('silent'),
    });
    await app.close();
    return serializeOpenApiDocument(document);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run openapi`: writes {@link OPENAPI_FILE} under `root`; returns its path. */
export async function writeAdminOpenApi(root: string): Promise<string> {
  const path = join(root, OPENAPI_FILE);
  writeFileSync(path, await generateAdminOpenApi());
  return path;
}
