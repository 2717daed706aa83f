/**
 * The committed OpenAPI document (docs/admin-openapi.json) is the admin API's contract: it must
 * equal the document generated from the code. When this fails, run `npm run openapi` and commit.
 */
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
