import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from './config';

describe('loadConfig (DESIGN.md §8)', () => {
  it('gives the documented defaults with an empty environment', () => {
    const c = loadConfig({}, '/srv/dss');
    expect(c).toMatchObject({
      databaseUrl: undefined,
      databaseEngine: 'sqlite',
      dataDir: '/srv/dss/data',
      port: 3000,
      adminPort: 3001,
      serverKeyFile: '/srv/dss/data/dss_private.pem',
      sessionTtlSeconds: 1800,
      sessionIdleSeconds: 600,
      bcryptCost: 12,
      bcryptThreads: Math.max(1, availableParallelism() - 1),
      bcryptNice: 10,
      bcryptMaxQueue: 256,
      maxDocumentBytes: 8 * 1024 * 1024,
      replayWindow: 1024,
      migrationsRun: true,
      adminHost: '127.0.0.1',
      adminTokenTtlSeconds: 28_800,
      adminIdleSeconds: 1800,
      adminCorsOrigins: [],
      redisUrl: undefined,
      redisKeyPrefix: 'dss:',
      redisTimeoutMs: 2000,
      databaseTimeoutMs: 10_000,
    });
    expect(c.maxBodyBytes).toBeGreaterThan((c.maxDocumentBytes * 16) / 9);
  });

  it('accepts a MySQL URL', () => {
    expect(loadConfig({ DSS_DATABASE_URL: 'mysql://root@127.0.0.1:3306/dss' }).databaseEngine).toBe(
      'mysql',
    );
  });

  it.each([
    ['DSS_PORT', 'abc', /^DSS_PORT: expected an integer between 0 and 65535, got "abc"$/],
    ['DSS_PORT', '70000', /^DSS_PORT: expected an integer/],
    ['DSS_BCRYPT_COST', '8', /^DSS_BCRYPT_COST: expected an integer between 10 and 16/],
    ['DSS_BCRYPT_THREADS', '0', /^DSS_BCRYPT_THREADS: expected an integer between 1 and 256/],
    ['DSS_BCRYPT_THREADS', '1.5', /^DSS_BCRYPT_THREADS: expected an integer between 1/],
    ['DSS_BCRYPT_NICE', '20', /^DSS_BCRYPT_NICE: expected an integer between 0 and 19, got "20"$/],
    ['DSS_BCRYPT_NICE', '-1', /^DSS_BCRYPT_NICE: expected an integer between 0 and 19/],
    ['DSS_BCRYPT_QUEUE', '0', /^DSS_BCRYPT_QUEUE: expected an integer between 1 and 100000/],
    ['DSS_REPLAY_WINDOW', '32', /^DSS_REPLAY_WINDOW: expected an integer between 64/],
    ['DSS_REDIS_TIMEOUT_MS', '10', /^DSS_REDIS_TIMEOUT_MS: expected an integer between 50/],
    ['DSS_DATABASE_TIMEOUT_MS', 'soon', /^DSS_DATABASE_TIMEOUT_MS: expected an integer/],
    ['DSS_REDIS_KEY_PREFIX', 'a b', /^DSS_REDIS_KEY_PREFIX: expected 1 to 64 printable ASCII/],
    [
      'DSS_REPLAY_WINDOW',
      '100',
      /^DSS_REPLAY_WINDOW: expected a multiple of 32 between 64 and 65536/,
    ],
    [
      'DSS_DATABASE_URL',
      'postgres://x/y',
      /^DSS_DATABASE_URL: expected a mysql:\/\/ or mariadb:\/\/ URL/,
    ],
    ['DSS_DATABASE_URL', 'mysql://host:3306', /^DSS_DATABASE_URL: expected a database name/],
    ['DSS_MIGRATIONS_RUN', 'maybe', /^DSS_MIGRATIONS_RUN: expected true or false, got "maybe"$/],
    ['DSS_LOG_LEVEL', 'loud', /^DSS_LOG_LEVEL: expected one of fatal, error/],
    [
      'DSS_SESSION_IDLE_SECONDS',
      '4000',
      /^DSS_SESSION_IDLE_SECONDS: expected at most DSS_SESSION_TTL_SECONDS/,
    ],
    ['DSS_ADMIN_TOKEN_TTL_SECONDS', '30', /^DSS_ADMIN_TOKEN_TTL_SECONDS: expected an integer/],
    [
      'DSS_ADMIN_IDLE_SECONDS',
      '30000',
      /^DSS_ADMIN_IDLE_SECONDS: expected at most DSS_ADMIN_TOKEN_TTL_SECONDS \(28800\)/,
    ],
    [
      'DSS_ADMIN_CORS_ORIGINS',
      'https://ok.example.org,https://bad.example.org/path',
      /^DSS_ADMIN_CORS_ORIGINS: expected comma-separated origins .*got "https:\/\/bad.example.org\/path"$/,
    ],
    ['DSS_ADMIN_CORS_ORIGINS', '*', /^DSS_ADMIN_CORS_ORIGINS: expected comma-separated origins/],
  ])('stops on %s=%s with a one-line message naming the variable', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never echoes a secret in its error', () => {
    expect(() => loadConfig({ DSS_MASTER_KEY: 'not-a-key-but-secret' })).toThrow(
      /^DSS_MASTER_KEY: expected one or more comma-separated 32-byte keys/,
    );
    try {
      loadConfig({ DSS_MASTER_KEY: 'not-a-key-but-secret' });
    } catch (e) {
      expect((e as Error).message).not.toContain('not-a-key-but-secret');
    }
  });

  it('accepts 32-byte master keys in hex or base64, one or a list', () => {
    expect(loadConfig({ DSS_MASTER_KEY: 'ab'.repeat(32) }).masterKey).toBe('ab'.repeat(32));
    expect(
      loadConfig({ DSS_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }).masterKey,
    ).toBeDefined();
  });

  it('reads the key lifecycle settings: batch size, key age, deletion grace period', () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({ maxBatch: 100, maxKeyAgeDays: 0, keyDeletionGraceMs: 0 });
    const set = loadConfig({
      DSS_MAX_BATCH: '250',
      DSS_MAX_KEY_AGE_DAYS: '365',
      DSS_KEY_DELETION_GRACE: '7d',
    });
    expect(set).toMatchObject({
      maxBatch: 250,
      maxKeyAgeDays: 365,
      keyDeletionGraceMs: 604_800_000,
    });
    expect(defaults.dualControl).toBe(false);
    expect(loadConfig({ DSS_DUAL_CONTROL: 'true' }).dualControl).toBe(true);
    expect(() => loadConfig({ DSS_DUAL_CONTROL: 'maybe' })).toThrow(
      /DSS_DUAL_CONTROL: expected true or false/,
    );
    expect(loadConfig({ DSS_KEY_DELETION_GRACE: '90s' }).keyDeletionGraceMs).toBe(90_000);
    expect(loadConfig({ DSS_KEY_DELETION_GRACE: '12h' }).keyDeletionGraceMs).toBe(43_200_000);
    for (const bad of ['7', '-1d', '1w', '366d', 'soon']) {
      expect(() => loadConfig({ DSS_KEY_DELETION_GRACE: bad })).toThrow(
        /DSS_KEY_DELETION_GRACE: expected a duration/,
      );
    }
    expect(() => loadConfig({ DSS_MAX_BATCH: '0' })).toThrow(/DSS_MAX_BATCH/);
  });

  it('reads the bcrypt pool settings', () => {
    const c = loadConfig({ DSS_BCRYPT_THREADS: '3', DSS_BCRYPT_NICE: '0', DSS_BCRYPT_QUEUE: '1' });
    expect(c).toMatchObject({ bcryptThreads: 3, bcryptNice: 0, bcryptMaxQueue: 1 });
    expect(loadConfig({ DSS_BCRYPT_NICE: '19' }).bcryptNice).toBe(19);
  });

  it('reads the admin CORS origins as a list, trailing slashes dropped', () => {
    expect(
      loadConfig({
        DSS_ADMIN_CORS_ORIGINS: 'https://admin.example.org/, http://localhost:5173 ,',
      }).adminCorsOrigins,
    ).toEqual(['https://admin.example.org', 'http://localhost:5173']);
  });

  it('reads the DSS_KEK_PKCS11_* variables: a module, one token selector, one PIN source', () => {
    expect(loadConfig({}, '/srv').kekPkcs11).toBeUndefined();
    const base = { DSS_KEK_PKCS11_MODULE: 'lib/softhsm2.so', DSS_KEK_PKCS11_TOKEN_LABEL: 'dss' };
    expect(loadConfig({ ...base, DSS_KEK_PKCS11_PIN_FILE: 'pin' }, '/srv').kekPkcs11).toEqual({
      module: '/srv/lib/softhsm2.so',
      slot: undefined,
      tokenLabel: 'dss',
      pin: undefined,
      pinFile: '/srv/pin',
      keyLabel: 'dss-kek',
    });
    expect(
      loadConfig({
        DSS_KEK_PKCS11_MODULE: '/m.so',
        DSS_KEK_PKCS11_SLOT: '7',
        DSS_KEK_PKCS11_PIN: '1234',
        DSS_KEK_PKCS11_KEY_LABEL: 'kek-2',
      }).kekPkcs11,
    ).toMatchObject({ slot: 7, pin: '1234', keyLabel: 'kek-2' });
    expect(() => loadConfig({ ...base })).toThrow(/DSS_KEK_PKCS11_PIN_FILE: expected exactly one/);
    expect(() =>
      loadConfig({ ...base, DSS_KEK_PKCS11_PIN: 'secret-pin', DSS_KEK_PKCS11_PIN_FILE: 'p' }),
    ).toThrow(/exactly one of DSS_KEK_PKCS11_PIN/);
    expect(() =>
      loadConfig({ ...base, DSS_KEK_PKCS11_SLOT: '1', DSS_KEK_PKCS11_PIN: '1234' }),
    ).toThrow(/DSS_KEK_PKCS11_TOKEN_LABEL: expected exactly one/);
    expect(() => loadConfig({ DSS_KEK_PKCS11_PIN: 'secret-pin' })).toThrow(
      /DSS_KEK_PKCS11_MODULE: expected to be set when DSS_KEK_PKCS11_PIN is set/,
    );
    let message = '';
    try {
      loadConfig({ ...base, DSS_KEK_PKCS11_PIN: 'x'.repeat(300) });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/DSS_KEK_PKCS11_PIN/);
    expect(message).not.toContain('xxxx');
  });

  it('reads DSS_TRUST_PROXY as nothing, a hop count (true: one) or trusted addresses', () => {
    const trust = (v: string) => loadConfig({ DSS_TRUST_PROXY: v }).trustProxy;
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('true')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.1')).toEqual(['10.0.0.1']);
    expect(trust(' loopback, 10.0.0.0/8 ,fd00::/8')).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    for (const bad of ['10.0.0.0/33', 'proxy.example.org', '10.0.0.1,,10.0.0.2', '-1', '33']) {
      expect(() => trust(bad)).toThrow(/^DSS_TRUST_PROXY: expected false, true/);
    }
  });

  it('turns the metrics listener on only when DSS_METRICS_PORT is set', () => {
    expect(loadConfig({})).toMatchObject({ metricsPort: undefined, metricsHost: '127.0.0.1' });
    expect(loadConfig({ DSS_METRICS_PORT: '9464', DSS_METRICS_HOST: '0.0.0.0' })).toMatchObject({
      metricsPort: 9464,
      metricsHost: '0.0.0.0',
    });
    expect(loadConfig({ DSS_METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(() => loadConfig({ DSS_METRICS_PORT: 'on' })).toThrow(/^DSS_METRICS_PORT: expected/);
  });

  it('reads the PKI settings, with the CRL URL base from the port by default', () => {
    const d = loadConfig({ DSS_PORT: '8443' });
    expect(d).toMatchObject({
      publicUrl: 'http://localhost:8443',
      caCommonName: 'DSS Certificate Authority',
      certValidityDays: 365,
      crlValidityHours: 24,
      tsaUrl: undefined,
      tsaRatePerMinute: 120,
    });
    const c = loadConfig({
      DSS_PUBLIC_URL: 'https://dss.example.org/',
      DSS_TSA_URL: 'https://tsa.example.org/tsr',
      DSS_CERT_ORGANIZATION: 'Example Org',
    });
    expect(c.publicUrl).toBe('https://dss.example.org');
    expect(c.tsaUrl).toBe('https://tsa.example.org/tsr');
    expect(c.certOrganization).toBe('Example Org');
  });

  it('rejects a bad PKI setting, naming the variable', () => {
    expect(() => loadConfig({ DSS_PUBLIC_URL: 'ftp://x' })).toThrow(/^DSS_PUBLIC_URL: expected/);
    expect(() => loadConfig({ DSS_TSA_URL: 'not a url' })).toThrow(/^DSS_TSA_URL: expected/);
    expect(() => loadConfig({ DSS_CERT_ORGANIZATION: 'x'.repeat(65) })).toThrow(
      /^DSS_CERT_ORGANIZATION: expected 1 to 64 printable characters/,
    );
    expect(() => loadConfig({ DSS_CERT_VALIDITY_DAYS: '0' })).toThrow(/^DSS_CERT_VALIDITY_DAYS/);
  });
});
