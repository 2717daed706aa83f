/**
 * The built service as `npm start` runs it: a separate process on the configured database,
 * creating its identity key on first start and printing the URL and the key's fingerprint.
 */
import { DssClient } from '@dss/client';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/database';
import { freePort, spawnNode } from './support/spawn';

const ENTRY = 'dist/apps/dss/src/main.js';

describe('the built service (e2e)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('starts with no set-up, creates its identity key (0600), and serves the handshake', async () => {
    const port = await freePort();
    const env = {
      DSS_DATA_DIR: db.dataDir,
      DSS_DATABASE_URL: db.databaseUrl,
      DSS_PORT: String(port),
      DSS_HOST: '127.0.0.1',
    };
    const first = spawnNode([ENTRY], env);
    let fingerprint = '';
    try {
      const [, url] = await first.waitFor(/listening on (http:\/\/\S+)/);
      [, fingerprint] = await first.waitFor(/fingerprint \(SHA-256\): ([0-9a-f]{64})/);
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect(statSync(join(db.dataDir, 'dss_private.pem')).mode & 0o777).toBe(0o600);
      const publicPem = readFileSync(join(db.dataDir, 'dss_public.pem'), 'utf8');
      const client = new DssClient({ baseUrl: url, serverPublicKey: publicPem });
      await expect(client.serverKey()).resolves.toEqual({ publicKey: publicPem, fingerprint });
      await client.handshake();
      expect(client.hasSession).toBe(true);
      expect(first.stdout() + first.stderr()).not.toMatch(/PRIVATE KEY/);
    } finally {
      await first.stop();
    }

    // A restart keeps the same identity.
    const second = spawnNode([ENTRY], env);
    try {
      const [, again] = await second.waitFor(/fingerprint \(SHA-256\): ([0-9a-f]{64})/);
      expect(readFileSync(join(db.dataDir, 'dss_public.pem'), 'utf8')).toContain(
        'BEGIN PUBLIC KEY',
      );
      expect(again).toBe(fingerprint);
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on a bad configuration value with one clear line', async () => {
    const run = spawnNode([ENTRY], { DSS_DATA_DIR: db.dataDir, DSS_PORT: 'eighty' });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toBe(
      'dss: cannot start: configuration error: DSS_PORT: expected an integer between 0 and 65535, got "eighty"\n',
    );
  });
});
