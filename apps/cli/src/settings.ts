import { resolve } from 'node:path';
import { usageError } from './cli-error';
import { FINGERPRINT, normalizeServerUrl, type StoredConfig } from './config-store';

/** Options every command accepts (`dss --help`). */
export interface GlobalOptions {
  server?: string;
  serverKey?: string;
  user?: string;
  passwordStdin?: boolean;
  json?: boolean;
  timeout?: number;
  /** Declared only to refuse it with a clear message: passwords never come from arguments. */
  password?: string;
}

/** The pinned server key: a PEM file (`dss_public.pem`), or the SHA-256 fingerprint of its SPKI. */
export type Pin = { kind: 'pem'; path: string } | { kind: 'fingerprint'; fingerprint: string };

export interface ConnectionSettings {
  serverUrl: string;
  pin: Pin;
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;

/** A `--server-key` / `DSS_SERVER_KEY` / config value: 64 hex digits (colons allowed), else a path. */
export function parsePin(value: string, cwd = process.cwd()): Pin {
  const compact = value.trim().toLowerCase().replace(/:/g, '');
  return FINGERPRINT.test(compact)
    ? { kind: 'fingerprint', fingerprint: compact }
    : { kind: 'pem', path: resolve(cwd, value) };
}

/** The server URL: flag, then environment, then the config file. */
export function resolveServerUrl(
  opts: GlobalOptions,
  env: NodeJS.ProcessEnv,
  config: StoredConfig,
): string {
  const server = opts.server ?? (env.DSS_SERVER_URL || undefined) ?? config.server;
  if (!server) {
    throw usageError(
      'no server URL: pass --server URL, set DSS_SERVER_URL, or run `dss config set server URL`',
    );
  }
  return normalizeServerUrl(server);
}

/** The pinned server key: flag, then environment, then the config file; `undefined` if none. */
export function resolvePin(
  opts: GlobalOptions,
  env: NodeJS.ProcessEnv,
  config: StoredConfig,
): Pin | undefined {
  const key = opts.serverKey ?? (env.DSS_SERVER_KEY || undefined) ?? config.serverKey;
  return key ? parsePin(key) : undefined;
}

/** Server URL, pinned key and timeout of a command that talks to the server. */
export function resolveConnection(
  opts: GlobalOptions,
  env: NodeJS.ProcessEnv,
  config: StoredConfig,
): ConnectionSettings {
  const serverUrl = resolveServerUrl(opts, env, config);
  const pin = resolvePin(opts, env, config);
  if (!pin) {
    throw usageError(
      'no pinned server key: pass --server-key dss_public.pem (or its fingerprint), set DSS_SERVER_KEY, or run `dss config set serverKey dss_public.pem`; dss never trusts a server it cannot check',
    );
  }
  return { serverUrl, pin, timeoutMs: timeoutMsOf(opts) };
}

export function timeoutMsOf(opts: GlobalOptions): number {
  return Math.round((opts.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000);
}

/** The username: flag, then `DSS_USER`, then the config file (else the caller asks). */
export function resolveUsername(
  opts: GlobalOptions,
  env: NodeJS.ProcessEnv,
  config: StoredConfig,
): string | undefined {
  return opts.user ?? (env.DSS_USER || undefined) ?? config.username;
}
