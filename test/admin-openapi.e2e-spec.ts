/**
 * The committed OpenAPI document (docs/admin-openapi.json) is the admin API's contract: it must
 * equal the document generated from the code. When this fails, run `npm run openapi` and commit.
 * The dashboard's API types (apps/admin/web/src/api/schema.d.ts) are generated from it in turn
 * and must be up to date as well.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAdminOpenApi, OPENAPI_FILE } from '../apps/admin/src/openapi';
import { REPO_ROOT } from './support/spawn';

describe('docs/admin-openapi.json (e2e)', () => {
  let generated: string;
  beforeAll(async () => {
    generated = await generateAdminOpenApi();
  });

  it('equals the document generated from the code (run `npm run openapi` after API changes)', () => {
    const committed = readFileSync(join(REPO_ROOT, OPENAPI_FILE), 'utf8');
    // Parsed first, for a readable diff; then byte for byte (key order, formatting).
    expect(JSON.parse(committed)).toEqual(JSON.parse(generated));
    expect(committed).toBe(generated);
  });

  it('is what the dashboard is typed by (run `npm run api-types` after it changes)', () => {
    // The generator runs as its own process: openapi-typescript loads ES modules Jest cannot.
    // `--check` regenerates in memory and compares with the committed file, writing nothing.
    const check = spawnSync(process.execPath, ['scripts/admin-api-types.js', '--check'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('is OpenAPI 3 with both security schemes and the five tags', () => {
    const doc = JSON.parse(generated) as {
      openapi: string;
      tags: { name: string }[];
      components: { securitySchemes: Record<string, { type: string }> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.tags.map((t) => t.name)).toEqual(
      expect.arrayContaining(['auth', 'operators', 'users', 'keys', 'audit']),
    );
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http' },
      cookie: { type: 'apiKey' },
    });
  });
});
