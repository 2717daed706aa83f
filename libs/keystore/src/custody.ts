import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, ErrorCode } from '@dss/common';
import { type DssConfig } from '@dss/config';
import {
  CustodyCheckEntity,
  KEK_CHECK_NAME,
  openDataSource,
  SQLITE_FILE_NAME,
} from '@dss/persistence';
import { type DataSource } from 'typeorm';
import { DEFAULT_MASTER_KEY_FILE_NAME, type MasterKeyRing } from './master-key-ring';
import { NO_KEK_ID } from './rewrap';
import { type SecretCreation } from '@dss/common';

/** File name of the generated pepper inside the data directory (as `@dss/accounts` writes it). */
const PEPPER_FILE_NAME = 'pepper';

/** What the database says about an installation, read before any secret is loaded. */
export interface InstallationState {
  /** False when there is no database yet (no SQLite file, or no tables). */
  exists: boolean;
  users: number;
  operators: number;
  /** Active key pairs holding a wrapped private key. */
  keyPairs: number;
  /** Active wrapped keys per master-key id. */
  kekUsage: Record<string, number>;
  /** The check value of the master key current at the last start or rotation. */
  kekCheck?: { value: string; kind: string };
  /** Signed checkpoints of the audit log: once there is one, the log key must never change. */
  checkpoints: number;
}

/**
 * Which secrets a populated installation depends on:
 * - `pepper`: every password hash, the operators' included;
 * - `key`: the server key (clients pin it), the master key (it wraps the users' keys), and any
 *   other key file: they matter once there are users or keys. Operators alone do not count:
 *   the admin app creates the first operator at its first start, possibly before the employee
 *   API has created its keys.
 */
export type SecretKind = 'pepper' | 'key';

/** True when secrets of `kind` are in use (see {@link SecretKind}). */
export function isPopulated(state: InstallationState, kind: SecretKind = 'key'): boolean {
  return state.users + state.keyPairs + (kind === 'pepper' ? state.operators : 0) > 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Whether this start may create missing secrets of `kind`: only while the installation does
 * not depend on them yet ({@link isPopulated}).
 */
export function secretCreationFor(
  state: InstallationState,
  kind: SecretKind = 'key',
): SecretCreation {
  if (!isPopulated(state, kind)) return { mayCreate: true };
  const parts = [
    plural(state.users, 'user'),
    plural(state.operators, 'operator'),
    plural(state.keyPairs, 'key pair'),
  ];
  return { mayCreate: false, reason: `the database already holds ${parts.join(', ')}` };
}

const EMPTY: InstallationState = {
  exists: false,
  users: 0,
  operators: 0,
  keyPairs: 0,
  kekUsage: {},
  checkpoints: 0,
};

/** Runs a count; a missing table (a database not yet migrated) counts as none. */
async function countOf(ds: DataSource, sql: string): Promise<number | undefined> {
  try {
    const rows: { n: string | number }[] = await ds.query(sql);
    return Number(rows[0]?.n ?? 0);
  } catch (err) {
    const text = String((err as Error).message ?? err);
    if (/no such table|ER_NO_SUCH_TABLE|doesn't exist/i.test(text)) return undefined;
    throw err;
  }
}

/** Reads {@link InstallationState} from an open DataSource (tables may be missing). */
export async function readInstallationState(ds: DataSource): Promise<InstallationState> {
  const users = await countOf(ds, 'SELECT COUNT(*) AS n FROM users');
  if (users === undefined) return { ...EMPTY };
  const operators = (await countOf(ds, 'SELECT COUNT(*) AS n FROM operators')) ?? 0;
  const kekUsage: Record<string, number> = {};
  try {
    const rows: { kek_id: string | null; n: string | number }[] = await ds.query(
      'SELECT kek_id, COUNT(*) AS n FROM key_pairs WHERE deleted = 0 AND private_key_wrapped IS NOT NULL GROUP BY kek_id',
    );
    for (const row of rows) kekUsage[row.kek_id ?? NO_KEK_ID] = Number(row.n);
  } catch (err) {
    if (!/no such table|ER_NO_SUCH_TABLE|doesn't exist/i.test(String(err))) throw err;
  }
  let kekCheck: InstallationState['kekCheck'];
  try {
    const rows: { value: string; kind: string }[] = await ds.query(
      'SELECT value, kind FROM custody_checks WHERE name = ?',
      [KEK_CHECK_NAME],
    );
    if (rows[0] !== undefined) kekCheck = { value: rows[0].value, kind: rows[0].kind };
  } catch (err) {
    if (!/no such table|ER_NO_SUCH_TABLE|doesn't exist/i.test(String(err))) throw err;
  }
  const keyPairs = Object.values(kekUsage).reduce((a, b) => a + b, 0);
  // The table comes with the verifiable log's migration: none yet means no checkpoint yet.
  const checkpoints = (await countOf(ds, 'SELECT COUNT(*) AS n FROM audit_log_checkpoints')) ?? 0;
  return { exists: true, users, operators, keyPairs, kekUsage, kekCheck, checkpoints };
}

/**
 * Reads the installation's state before the apps load any secret: a short connection of its
 * own, without running migrations. No SQLite file yet means a fresh installation.
 */
export async function inspectInstallation(
  config: Pick<DssConfig, 'databaseUrl' | 'dataDir'>,
): Promise<InstallationState> {
  if (config.databaseUrl === undefined && !existsSync(join(config.dataDir, SQLITE_FILE_NAME))) {
    return { ...EMPTY };
  }
  let ds: DataSource;
  try {
    ds = await openDataSource({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      migrationsRun: false,
    });
  } catch (err) {
    throw new DomainError(
      ErrorCode.Unavailable,
      `the database is unavailable (${(err as Error).message ?? 'error'})`,
    );
  }
  try {
    return await readInstallationState(ds);
  } finally {
    await ds.destroy();
  }
}

/** Start refused: the configured master key is not the one this database's keys need. */
export class WrongMasterKeyError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.WrongMasterKey, message);
    this.name = 'WrongMasterKeyError';
  }
}

/**
 * Compares the key ring with the database: every master key that wraps a stored key must be in
 * the ring, and so must the key whose check value was stored at the last start or rotation.
 * Otherwise throws {@link WrongMasterKeyError}, naming key ids only.
 */
export function checkMasterKey(ring: MasterKeyRing, state: InstallationState): void {
  const missing = Object.entries(state.kekUsage).filter(
    ([id]) => id !== NO_KEK_ID && ring.get(id) === undefined,
  );
  if (missing.length > 0) {
    const n = missing.reduce((sum, [, count]) => sum + count, 0);
    throw new WrongMasterKeyError(
      `wrong master key: ${plural(n, 'key pair')} in the database ${n === 1 ? 'is' : 'are'} wrapped under ` +
        `master key ${missing.map(([id]) => id).join(', ')}, which the configured key ring ` +
        `(${ring.source}, current ${ring.current().id}) does not hold; restore the right master key ` +
        '(file, DSS_MASTER_KEY or token), or add the old key to the ring as a retired key',
    );
  }
  if (state.kekCheck !== undefined && ring.get(state.kekCheck.value) === undefined) {
    throw new WrongMasterKeyError(
      `wrong master key: the database's key check value names master key ${state.kekCheck.value} ` +
        `(${state.kekCheck.kind}), but the configured key ring (${ring.source}) holds ` +
        `${ring.ids().join(', ')}; restore the right master key`,
    );
  }
}

/** Stores the current master key's check value (after a start or a rotation). */
export async function recordKekCheck(ds: DataSource, ring: MasterKeyRing): Promise<void> {
  const current = ring.current();
  await ds
    .getRepository(CustodyCheckEntity)
    .upsert(
      { name: KEK_CHECK_NAME, value: current.id, kind: current.kind, updatedAt: new Date() },
      ['name'],
    );
}

/** Files whose permissions {@link custodyWarnings} looks at. */
export function secretFilesOf(config: DssConfig): { what: string; path: string }[] {
  const files = [
    { what: 'server identity key', path: config.serverKeyFile },
    {
      what: 'master key file',
      path: config.masterKeyFile ?? join(config.dataDir, DEFAULT_MASTER_KEY_FILE_NAME),
    },
    { what: 'pepper file', path: config.pepperFile ?? join(config.dataDir, PEPPER_FILE_NAME) },
  ];
  if (config.kekPkcs11?.pinFile !== undefined) {
    files.push({ what: 'PKCS#11 PIN file', path: config.kekPkcs11.pinFile });
  }
  return files;
}

/**
 * Permission warnings: a data directory, or a secret file, that group or others can read.
 * Not fatal (a container may run with odd modes), but logged at every start and shown by
 * `dss-admin doctor`.
 */
export function custodyWarnings(config: DssConfig): string[] {
  const warnings: string[] = [];
  const loose = (path: string): number | undefined => {
    try {
      const mode = statSync(path).mode & 0o777;
      return (mode & 0o077) !== 0 ? mode : undefined;
    } catch {
      return undefined;
    }
  };
  const dirMode = loose(config.dataDir);
  if (dirMode !== undefined) {
    warnings.push(
      `the data directory ${config.dataDir} is open to group or others (mode ${dirMode.toString(8)}); run chmod 700 on it`,
    );
  }
  for (const { what, path } of secretFilesOf(config)) {
    const mode = loose(path);
    if (mode !== undefined) {
      warnings.push(
        `the ${what} ${path} is readable by group or others (mode ${mode.toString(8)}); run chmod 600 on it`,
      );
    }
  }
  return warnings;
}

/**
 * Whether the audit log key may be created: only while no checkpoint was ever signed. After
 * that, a new key would make every checkpoint held outside stop verifying (DESIGN.md §7).
 */
export function logKeyCreationFor(state: InstallationState): SecretCreation {
  if (state.checkpoints === 0) return { mayCreate: true };
  return {
    mayCreate: false,
    reason: `the database already holds ${plural(state.checkpoints, 'signed checkpoint')}`,
  };
}
