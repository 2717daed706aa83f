import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import proxyaddr from 'proxy-addr';

/** How the service stores its data: the embedded SQLite file or a MySQL / MariaDB server. */
export type DatabaseEngine = 'sqlite' | 'mysql';

/** The one validated configuration object (DESIGN.md §8), read once at boot. */
export interface DssConfig {
  /** `mysql://…` for MySQL 8 / MariaDB; undefined selects the embedded SQLite file. */
  readonly databaseUrl: string | undefined;
  readonly databaseEngine: DatabaseEngine;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly adminHost: string;
  readonly adminPort: number;
  readonly serverKeyFile: string;
  readonly masterKey: string | undefined;
  readonly masterKeyFile: string | undefined;
  readonly pepper: string | undefined;
  readonly pepperFile: string | undefined;
  /** The master key inside a PKCS#11 token (`DSS_KEK_PKCS11_*`); undefined: a file key. */
  readonly kekPkcs11: KekPkcs11Config | undefined;
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key this installation uses (several installations may share a Redis). */
  readonly redisKeyPrefix: string;
  /** A Redis call that has not answered after this long fails (503 `unavailable`). */
  readonly redisTimeoutMs: number;
  /** A database query or connection attempt that has not answered after this long fails. */
  readonly databaseTimeoutMs: number;
  readonly sessionTtlSeconds: number;
  readonly sessionIdleSeconds: number;
  readonly maxSessions: number;
  readonly replayWindow: number;
  /** Handshakes per minute from one client address; 0 disables the limit. */
  readonly handshakeRatePerMinute: number;
  /** Login attempts per minute from one client address; 0 disables the limit. */
  readonly loginRatePerMinute: number;
  readonly loginMaxFailures: number;
  readonly loginLockoutSeconds: number;
  /** Failed logins of one name from all addresses together before it locks everywhere. */
  readonly loginAccountMaxFailures: number;
  readonly bcryptCost: number;
  /** Worker threads running bcrypt, one computation each (default: all cores but one). */
  readonly bcryptThreads: number;
  /** Nice value (0–19) of the bcrypt threads on Linux: logins yield the CPU to the event loop. */
  readonly bcryptNice: number;
  /** bcrypt jobs that may wait for a thread; past it a login gets `429 too_many_attempts`. */
  readonly bcryptMaxQueue: number;
  readonly tempPasswordTtlHours: number;
  readonly maxDocumentBytes: number;
  readonly maxBodyBytes: number;
  /** Digests one batch-signing request may carry (`DSS_MAX_BATCH`). */
  readonly maxBatch: number;
  /** Days after which a key's responses advise rotation (`rotateAdvised`); 0: never. */
  readonly maxKeyAgeDays: number;
  /** `DSS_KEY_DELETION_GRACE`: ms between DeleteKeys and the key's destruction; 0: at once. */
  readonly keyDeletionGraceMs: number;
  /**
   * `DSS_DUAL_CONTROL`: cancelling a pending key deletion and allowing a new key pair need a
   * second administrator's approval (a pending approval request); default false.
   */
  readonly dualControl: boolean;
  readonly adminBootstrapPassword: string | undefined;
  /** Absolute lifetime of an admin app token or cookie session. */
  readonly adminTokenTtlSeconds: number;
  /** An admin app session unused for this long ends. */
  readonly adminIdleSeconds: number;
  /** Origins allowed to call the admin API cross-origin; empty: no CORS at all. */
  readonly adminCorsOrigins: readonly string[];
  readonly migrationsRun: boolean;
  /**
   * Which peers may say, in `X-Forwarded-For`, whom they forward for (Express's `trust proxy`):
   * `false` none, a hop count, or trusted addresses and CIDR ranges (proxy-addr's syntax, e.g.
   * `loopback`, `10.0.0.0/8`). The client address is the right-most untrusted one.
   */
  readonly trustProxy: TrustProxy;
  /** Port of the Prometheus `/metrics` listener; undefined: no metrics listener. */
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  readonly logLevel: LogLevel;
  /** Common name of the DSS certificate authority made on first start. */
  readonly caCommonName: string;
  /** O and OU of every certificate DSS issues (CA, TSA, users); undefined leaves them out. */
  readonly certOrganization: string | undefined;
  readonly certOrganizationalUnit: string | undefined;
  /** Validity of a user certificate, in days. */
  readonly certValidityDays: number;
  /** Validity of the DSS CA certificate made on first start, in days. */
  readonly caValidityDays: number;
  /** A CRL is valid this long (nextUpdate − thisUpdate); it is reissued at half of it. */
  readonly crlValidityHours: number;
  /** Base URL under which outsiders reach this API (the CRL distribution point is built on it). */
  readonly publicUrl: string;
  /** An outside RFC 3161 time-stamping authority for signature timestamps; unset: DSS's own. */
  readonly tsaUrl: string | undefined;
  /** Timestamp requests per minute from one client address on `POST /v1/tsa`; 0: no limit. */
  readonly tsaRatePerMinute: number;
  /** The Ed25519 key that signs the audit log's checkpoints (created 0600 on first start). */
  readonly logKeyFile: string;
  /** The log's origin: first line of every checkpoint and the log key's name. */
  readonly logOrigin: string;
  /** A new checkpoint is signed within this many ms of the tree growing. */
  readonly checkpointIntervalMs: number;
  /** Every checkpoint is also appended to this file, outside the database. */
  readonly checkpointFile: string;
}

/** Where the master key lives in a PKCS#11 token (`DSS_KEK_PKCS11_*`). */
export interface KekPkcs11Config {
  /** `DSS_KEK_PKCS11_MODULE`: path of the PKCS#11 module (`.so`). */
  readonly module: string;
  /** `DSS_KEK_PKCS11_SLOT`: the slot id; or `tokenLabel`. */
  readonly slot?: number;
  /** `DSS_KEK_PKCS11_TOKEN_LABEL`. */
  readonly tokenLabel?: string;
  /** `DSS_KEK_PKCS11_PIN`, or `pinFile` (`DSS_KEK_PKCS11_PIN_FILE`). */
  readonly pin?: string;
  readonly pinFile?: string;
  /** `DSS_KEK_PKCS11_KEY_LABEL` (default `dss-kek`). */
  readonly keyLabel: string;
}

/** The `DSS_KEK_PKCS11_*` variables: all unset, or a module, a token, a PIN and a key label. */
function kekPkcs11Of(r: Reader, cwd: string): KekPkcs11Config | undefined {
  const module = r.raw('DSS_KEK_PKCS11_MODULE');
  const others = [
    'DSS_KEK_PKCS11_SLOT',
    'DSS_KEK_PKCS11_TOKEN_LABEL',
    'DSS_KEK_PKCS11_PIN',
    'DSS_KEK_PKCS11_PIN_FILE',
    'DSS_KEK_PKCS11_KEY_LABEL',
  ];
  if (module === undefined) {
    const stray = others.find((name) => r.raw(name) !== undefined);
    if (stray !== undefined) {
      throw new ConfigError('DSS_KEK_PKCS11_MODULE', `to be set when ${stray} is set`, undefined);
    }
    return undefined;
  }
  const slotText = r.raw('DSS_KEK_PKCS11_SLOT');
  const slot = slotText === undefined ? undefined : r.int('DSS_KEK_PKCS11_SLOT', 0, 0, 2 ** 53 - 1);
  const tokenLabel = r.raw('DSS_KEK_PKCS11_TOKEN_LABEL');
  if ((slot === undefined) === (tokenLabel === undefined)) {
    throw new ConfigError(
      'DSS_KEK_PKCS11_TOKEN_LABEL',
      'exactly one of DSS_KEK_PKCS11_SLOT and DSS_KEK_PKCS11_TOKEN_LABEL',
      undefined,
    );
  }
  const pin = r.secret('DSS_KEK_PKCS11_PIN', (v) => v.length <= 255, 'at most 255 characters');
  const pinFile = r.raw('DSS_KEK_PKCS11_PIN_FILE');
  if ((pin === undefined) === (pinFile === undefined)) {
    throw new ConfigError(
      'DSS_KEK_PKCS11_PIN_FILE',
      'exactly one of DSS_KEK_PKCS11_PIN and DSS_KEK_PKCS11_PIN_FILE',
      undefined,
    );
  }
  const keyLabel = r.string('DSS_KEK_PKCS11_KEY_LABEL', 'dss-kek');
  if (!/^[\x20-\x7e]{1,64}$/.test(keyLabel)) {
    throw new ConfigError('DSS_KEK_PKCS11_KEY_LABEL', '1-64 printable ASCII characters', keyLabel);
  }
  return Object.freeze({
    module: resolve(cwd, module),
    slot,
    tokenLabel,
    pin,
    pinFile: pinFile === undefined ? undefined : resolve(cwd, pinFile),
    keyLabel,
  });
}
/** {@link DssConfig.trustProxy}: nothing trusted, a hop count, or trusted addresses / CIDRs. */
export type TrustProxy = false | number | readonly string[];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** A bad configuration value: the message names the variable and what is expected, on one line. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
    got: string | undefined,
  ) {
    super(
      `${variable}: expected ${expected}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`,
    );
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

class Reader {
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new ConfigError(name, `an integer between ${min} and ${max}`, value);
    }
    const n = Number(value);
    if (n < min || n > max)
      throw new ConfigError(name, `an integer between ${min} and ${max}`, value);
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    throw new ConfigError(name, 'true or false', value);
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `one of ${allowed.join(', ')}`, value);
    }
    return value as T;
  }

  /** A secret's value is never echoed back in an error message. */
  secret(name: string, check: (v: string) => boolean, expected: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && !check(value)) throw new ConfigError(name, expected, undefined);
    return value;
  }
}

function databaseEngineOf(url: string | undefined): DatabaseEngine {
  if (url === undefined) return 'sqlite';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      'DSS_DATABASE_URL',
      'a URL such as mysql://user:pass@host:3306/dss',
      undefined,
    );
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new ConfigError(
      'DSS_DATABASE_URL',
      'a mysql:// or mariadb:// URL (unset for the embedded SQLite)',
      parsed.protocol,
    );
  }
  if (parsed.pathname.length <= 1) {
    throw new ConfigError(
      'DSS_DATABASE_URL',
      'a database name in the path (mysql://host:3306/dss)',
      undefined,
    );
  }
  return 'mysql';
}

const TRUST_PROXY_EXPECTED =
  'false, true (one proxy), a hop count, or a comma list of trusted proxy addresses or CIDRs';

/**
 * `DSS_TRUST_PROXY`. `true` means one hop (the peer is the proxy, the right-most
 * `X-Forwarded-For` entry is the client), not Express's "trust everything", which takes the
 * left-most entry: a value any client can write through a proxy that appends to the header.
 */
function trustProxyOf(r: Reader): TrustProxy {
  const name = 'DSS_TRUST_PROXY';
  const value = r.raw(name);
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  if (['true', 'yes', 'on'].includes(lower)) return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 32) throw new ConfigError(name, TRUST_PROXY_EXPECTED, value);
    return hops;
  }
  const list = value.split(',').map((v) => v.trim());
  if (list.some((v) => v === '')) throw new ConfigError(name, TRUST_PROXY_EXPECTED, value);
  try {
    proxyaddr.compile(list);
  } catch {
    throw new ConfigError(name, TRUST_PROXY_EXPECTED, value);
  }
  return Object.freeze(list);
}

/** `DSS_METRICS_PORT`: unset or empty turns the metrics listener off; 0 picks a free port. */
function metricsPortOf(r: Reader): number | undefined {
  return r.raw('DSS_METRICS_PORT') === undefined
    ? undefined
    : r.int('DSS_METRICS_PORT', 0, 0, 65535);
}

/** W of the replay window: the bitmap is whole 32-bit words (RFC 4303 §3.4.3), at least 64. */
function replayWindowOf(r: Reader): number {
  const w = r.int('DSS_REPLAY_WINDOW', 1024, 64, 65536);
  if (w % 32 !== 0) {
    throw new ConfigError('DSS_REPLAY_WINDOW', 'a multiple of 32 between 64 and 65536', String(w));
  }
  return w;
}

/** `DSS_REDIS_KEY_PREFIX`: printable, no spaces, at most 64 characters (default `dss:`). */
function redisKeyPrefixOf(r: Reader): string {
  const prefix = r.string('DSS_REDIS_KEY_PREFIX', 'dss:');
  if (!/^[\x21-\x7e]{1,64}$/.test(prefix)) {
    throw new ConfigError(
      'DSS_REDIS_KEY_PREFIX',
      '1 to 64 printable ASCII characters without spaces',
      prefix,
    );
  }
  return prefix;
}

/** Default body limit: a document of maxDocumentBytes, base64url inside JSON, sealed, base64url again. */
function bodyLimitFor(maxDocumentBytes: number): number {
  const plaintext = Math.ceil((maxDocumentBytes * 4) / 3) + 1024;
  return Math.ceil(((plaintext + 16) * 4) / 3) + 1024;
}

const MASTER_KEY_EXPECTED =
  'one or more comma-separated 32-byte keys (64 hex characters or base64), the current one first';

/** True when `value` decodes to exactly 32 bytes from hex or base64 / base64url. */
export function isKey32(value: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return true;
  return /^[A-Za-z0-9+/_-]{43}=?$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

/**
 * `DSS_ADMIN_CORS_ORIGINS`: comma-separated origins (`https://host[:port]`, no path); unset or
 * empty gives none, which turns CORS off.
 */
function corsOriginsOf(r: Reader): readonly string[] {
  const value = r.raw('DSS_ADMIN_CORS_ORIGINS');
  if (value === undefined) return Object.freeze([]);
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (
      url === undefined ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.origin !== origin.replace(/\/$/, '')
    ) {
      throw new ConfigError(
        'DSS_ADMIN_CORS_ORIGINS',
        'comma-separated origins such as https://admin.example.org (scheme, host, optional port; no path)',
        origin,
      );
    }
  }
  return Object.freeze(origins.map((o) => o.replace(/\/$/, '')));
}

/** An http(s) URL without query or fragment (the trailing slash is dropped). */
function httpUrlOf(r: Reader, name: string, fallback: string | undefined): string | undefined {
  const value = r.raw(name) ?? fallback;
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search) {
    throw new ConfigError(name, 'an http:// or https:// URL without query', value);
  }
  return value.replace(/\/+$/, '');
}

/** A name part of a certificate subject: printable, at most 64 characters (RFC 5280 ub-name). */
function subjectPartOf(r: Reader, name: string, fallback: string | undefined): string | undefined {
  const value = r.raw(name) ?? fallback;
  if (value === undefined) return undefined;
  if (value.length > 64 || [...value].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f')) {
    throw new ConfigError(name, '1 to 64 printable characters', value);
  }
  return value;
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `0`, `90s`, `30m`, `12h` or `7d` (at most 365 days), in milliseconds. */
function durationOf(r: Reader, name: string): number {
  const value = r.raw(name)?.trim();
  if (value === undefined || value === '' || value === '0') return 0;
  const m = /^(\d{1,6})([smhd])$/.exec(value);
  const ms = m ? Number(m[1]) * DURATION_UNITS[m[2]] : NaN;
  if (!Number.isSafeInteger(ms) || ms > 365 * 86_400_000) {
    throw new ConfigError(name, 'a duration such as 0, 30m, 12h or 7d (at most 365d)', value);
  }
  return ms;
}

/** `DSS_LOG_ORIGIN`: a signed-note key name (no spaces, no `+`), default `<hostname>/dss-audit`. */
function logOriginOf(r: Reader): string {
  const origin = r.string('DSS_LOG_ORIGIN', `${hostname()}/dss-audit`);
  if (/[\s+]/u.test(origin) || origin.length > 200) {
    throw new ConfigError(
      'DSS_LOG_ORIGIN',
      'a log name without spaces or "+", such as dss.example.org/dss-audit',
      origin,
    );
  }
  return origin;
}

/**
 * Reads and validates the whole configuration. Throws {@link ConfigError} on the first bad value.
 * Paths are resolved against `cwd`.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): DssConfig {
  const r = new Reader(env);
  const databaseUrl = r.raw('DSS_DATABASE_URL');
  const databaseEngine = databaseEngineOf(databaseUrl);
  const dataDir = resolve(cwd, r.string('DSS_DATA_DIR', 'data'));
  const maxDocumentBytes = r.int(
    'DSS_MAX_DOCUMENT_BYTES',
    8 * 1024 * 1024,
    1024,
    512 * 1024 * 1024,
  );
  const sessionTtlSeconds = r.int('DSS_SESSION_TTL_SECONDS', 1800, 10, 7 * 24 * 3600);
  const adminTokenTtlSeconds = r.int('DSS_ADMIN_TOKEN_TTL_SECONDS', 28_800, 60, 30 * 24 * 3600);
  const masterKeyFile = r.raw('DSS_MASTER_KEY_FILE');
  const pepperFile = r.raw('DSS_PEPPER_FILE');
  const port = r.int('DSS_PORT', 3000, 0, 65535);
  const config: DssConfig = {
    databaseUrl,
    databaseEngine,
    dataDir,
    host: r.string('DSS_HOST', '0.0.0.0'),
    port,
    adminHost: r.string('DSS_ADMIN_HOST', '127.0.0.1'),
    adminPort: r.int('DSS_ADMIN_PORT', 3001, 0, 65535),
    serverKeyFile: resolve(
      cwd,
      r.string('DSS_SERVER_KEY_FILE', resolve(dataDir, 'dss_private.pem')),
    ),
    masterKey: r.secret(
      'DSS_MASTER_KEY',
      (v) => v.split(',').every((k) => isKey32(k.trim())),
      MASTER_KEY_EXPECTED,
    ),
    masterKeyFile: masterKeyFile === undefined ? undefined : resolve(cwd, masterKeyFile),
    pepper: r.secret('DSS_PEPPER', (v) => v.length >= 32, 'at least 32 characters'),
    pepperFile: pepperFile === undefined ? undefined : resolve(cwd, pepperFile),
    kekPkcs11: kekPkcs11Of(r, cwd),
    redisUrl: r.secret(
      'DSS_REDIS_URL',
      (v) => /^rediss?:\/\//.test(v),
      'a redis:// or rediss:// URL',
    ),
    redisKeyPrefix: redisKeyPrefixOf(r),
    redisTimeoutMs: r.int('DSS_REDIS_TIMEOUT_MS', 2000, 50, 60_000),
    databaseTimeoutMs: r.int('DSS_DATABASE_TIMEOUT_MS', 10_000, 100, 600_000),
    sessionTtlSeconds,
    sessionIdleSeconds: r.int('DSS_SESSION_IDLE_SECONDS', 600, 5, 7 * 24 * 3600),
    maxSessions: r.int('DSS_MAX_SESSIONS', 100_000, 1, 10_000_000),
    replayWindow: replayWindowOf(r),
    handshakeRatePerMinute: r.int('DSS_HANDSHAKE_RATE_LIMIT', 600, 0, 10_000_000),
    loginRatePerMinute: r.int('DSS_LOGIN_RATE_LIMIT', 60, 0, 10_000_000),
    loginMaxFailures: r.int('DSS_LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginLockoutSeconds: r.int('DSS_LOGIN_LOCKOUT_SECONDS', 60, 1, 86400),
    loginAccountMaxFailures: r.int('DSS_LOGIN_ACCOUNT_MAX_FAILURES', 50, 1, 1_000_000),
    bcryptCost: r.int('DSS_BCRYPT_COST', 12, 10, 16),
    bcryptThreads: r.int('DSS_BCRYPT_THREADS', Math.max(1, availableParallelism() - 1), 1, 256),
    bcryptNice: r.int('DSS_BCRYPT_NICE', 10, 0, 19),
    bcryptMaxQueue: r.int('DSS_BCRYPT_QUEUE', 256, 1, 100_000),
    tempPasswordTtlHours: r.int('DSS_TEMP_PASSWORD_TTL_HOURS', 168, 1, 24 * 90),
    maxDocumentBytes,
    maxBodyBytes: r.int(
      'DSS_MAX_BODY_BYTES',
      bodyLimitFor(maxDocumentBytes),
      1024,
      1024 * 1024 * 1024,
    ),
    maxBatch: r.int('DSS_MAX_BATCH', 100, 1, 1000),
    maxKeyAgeDays: r.int('DSS_MAX_KEY_AGE_DAYS', 0, 0, 36500),
    keyDeletionGraceMs: durationOf(r, 'DSS_KEY_DELETION_GRACE'),
    dualControl: r.bool('DSS_DUAL_CONTROL', false),
    adminBootstrapPassword: r.secret(
      'DSS_ADMIN_BOOTSTRAP_PASSWORD',
      (v) => v.length >= 12 && v.length <= 128,
      '12 to 128 characters',
    ),
    adminTokenTtlSeconds,
    adminIdleSeconds: r.int('DSS_ADMIN_IDLE_SECONDS', 1800, 10, 30 * 24 * 3600),
    adminCorsOrigins: corsOriginsOf(r),
    migrationsRun: r.bool('DSS_MIGRATIONS_RUN', true),
    trustProxy: trustProxyOf(r),
    metricsPort: metricsPortOf(r),
    metricsHost: r.string('DSS_METRICS_HOST', '127.0.0.1'),
    logLevel: r.oneOf('DSS_LOG_LEVEL', 'info', LOG_LEVELS),
    caCommonName: subjectPartOf(r, 'DSS_CA_NAME', 'DSS Certificate Authority')!,
    certOrganization: subjectPartOf(r, 'DSS_CERT_ORGANIZATION', undefined),
    certOrganizationalUnit: subjectPartOf(r, 'DSS_CERT_ORGANIZATIONAL_UNIT', undefined),
    certValidityDays: r.int('DSS_CERT_VALIDITY_DAYS', 365, 1, 3650),
    caValidityDays: r.int('DSS_CA_VALIDITY_DAYS', 3650, 1, 36500),
    crlValidityHours: r.int('DSS_CRL_VALIDITY_HOURS', 24, 1, 24 * 366),
    publicUrl: httpUrlOf(r, 'DSS_PUBLIC_URL', `http://localhost:${port}`)!,
    tsaUrl: httpUrlOf(r, 'DSS_TSA_URL', undefined),
    tsaRatePerMinute: r.int('DSS_TSA_RATE_LIMIT', 120, 0, 10_000_000),
    logKeyFile: resolve(cwd, r.string('DSS_LOG_KEY_FILE', resolve(dataDir, 'dss_log_key.pem'))),
    logOrigin: logOriginOf(r),
    checkpointIntervalMs: r.int('DSS_CHECKPOINT_INTERVAL_MS', 1000, 10, 3_600_000),
    checkpointFile: resolve(
      cwd,
      r.string('DSS_CHECKPOINT_FILE', resolve(dataDir, 'checkpoints.txt')),
    ),
  };
  checkCombinations(config);
  return Object.freeze(config);
}

/** The settings that constrain each other: one of two sources, a bound below another bound. */
function checkCombinations(config: DssConfig): void {
  if (config.masterKey !== undefined && config.masterKeyFile !== undefined) {
    throw new ConfigError(
      'DSS_MASTER_KEY_FILE',
      'to be unset when DSS_MASTER_KEY is set (choose one)',
      undefined,
    );
  }
  if (config.pepper !== undefined && config.pepperFile !== undefined) {
    throw new ConfigError(
      'DSS_PEPPER_FILE',
      'to be unset when DSS_PEPPER is set (choose one)',
      undefined,
    );
  }
  if (config.loginAccountMaxFailures < config.loginMaxFailures) {
    throw new ConfigError(
      'DSS_LOGIN_ACCOUNT_MAX_FAILURES',
      `at least DSS_LOGIN_MAX_FAILURES (${config.loginMaxFailures})`,
      String(config.loginAccountMaxFailures),
    );
  }
  if (config.sessionIdleSeconds > config.sessionTtlSeconds) {
    throw new ConfigError(
      'DSS_SESSION_IDLE_SECONDS',
      `at most DSS_SESSION_TTL_SECONDS (${config.sessionTtlSeconds})`,
      String(config.sessionIdleSeconds),
    );
  }
  if (config.adminIdleSeconds > config.adminTokenTtlSeconds) {
    throw new ConfigError(
      'DSS_ADMIN_IDLE_SECONDS',
      `at most DSS_ADMIN_TOKEN_TTL_SECONDS (${config.adminTokenTtlSeconds})`,
      String(config.adminIdleSeconds),
    );
  }
}

/** Injection token for the {@link DssConfig}. */
export const DSS_CONFIG = Symbol('DSS_CONFIG');
