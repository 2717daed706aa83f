import { createPublicKey } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CliError, fileError, usageError } from './cli-error';
import { ExitCode } from './exit-codes';

/** The settings `dss config set` stores. */
export const CONFIG_KEYS = ['server', 'serverKey', 'username'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type StoredConfig = Partial<Record<ConfigKey, string>>;

export const FINGERPRINT = /^[0-9a-f]{64}$/;
export const USERNAME = /^[a-z0-9._-]{3,64}$/;

/**
 * The config file: `$DSS_CONFIG_DIR/config.json`, else
 * `$XDG_CONFIG_HOME/dss/config.json`, else `~/.config/dss/config.json`.
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DSS_CONFIG_DIR) return resolve(env.DSS_CONFIG_DIR, 'config.json');
  const base = env.XDG_CONFIG_HOME ? resolve(env.XDG_CONFIG_HOME) : join(homedir(), '.config');
  return join(base, 'dss', 'config.json');
}

export function isConfigKey(key: string): key is ConfigKey {
  return (CONFIG_KEYS as readonly string[]).includes(key);
}

/** Reads the config file; a missing file is an empty config. */
export function readConfig(path: string): StoredConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(
      'config_unreadable',
      `cannot read ${path}: ${(err as Error).message}`,
      ExitCode.Usage,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw usageError(`${path} is not valid JSON; fix it or remove it`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError(`${path} must hold a JSON object`);
  }
  const config: StoredConfig = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (isConfigKey(key) && typeof v === 'string') config[key] = v;
  }
  return config;
}

/** Writes the config file, its directory 0700 and the file 0600, atomically. */
export function writeConfig(path: string, config: StoredConfig): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/**
 * Checks a value for `dss config set` and returns what is stored: the URL
 * without a trailing slash, a fingerprint in lowercase or the absolute path of
 * a PEM file that holds a P-256 public key, a valid username.
 */
export function normalizeConfigValue(key: ConfigKey, value: string, cwd = process.cwd()): string {
  switch (key) {
    case 'server':
      return normalizeServerUrl(value);
    case 'serverKey': {
      const lower = value.trim().toLowerCase().replace(/:/g, '');
      if (FINGERPRINT.test(lower)) return lower;
      const path = resolve(cwd, value);
      readPublicKeyFile(path, 'serverKey');
      return path;
    }
    case 'username':
      if (!USERNAME.test(value)) {
        throw usageError(`invalid username "${value}": 3-64 characters of a-z 0-9 . _ -`);
      }
      return value;
  }
}

export function normalizeServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`invalid server URL "${value}": expected e.g. https://dss.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`invalid server URL "${value}": only http:// and https:// are supported`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * Reads a PEM public key (a P-256 SPKI, as `dss_public.pem` or a user's key).
 * @param what - how the key was named, for the error message.
 * @param anyUserKey - also accept the other user key algorithms: P-384 and Ed25519.
 */
export function readPublicKeyFile(path: string, what: string, anyUserKey = false): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    const e = fileError(err, path, 'read');
    throw new CliError(e.code, `${what}: ${e.message}`, e.exitCode);
  }
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    throw usageError(`${what}: ${path} is not a PEM public key`);
  }
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  // A user's key may also be P-384 or Ed25519 (the key lifecycle); the server's is P-256.
  const userKey = curve === 'secp384r1' || key.asymmetricKeyType === 'ed25519' ? anyUserKey : false;
  if (curve !== 'prime256v1' && !userKey) {
    throw usageError(
      `${what}: ${path} is not an ${anyUserKey ? 'ECDSA P-256, P-384 or Ed25519' : 'ECDSA P-256'} public key`,
    );
  }
  return pem;
}
