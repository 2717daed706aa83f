import { existsSync } from 'node:fs';
import { loadOrCreatePepper } from '@dss/accounts';
import { DomainError, ErrorCode } from '@dss/common';
import { ConfigError, type DssConfig, loadConfig } from '@dss/config';
import {
  checkMasterKey,
  custodyWarnings,
  inspectInstallation,
  type InstallationState,
  isPopulated,
  loadOrCreateServerIdentity,
  MasterKeyRing,
  nativeDigestSignerProblem,
  secretCreationFor,
} from '@dss/keystore';
import { type SecretCreation } from '@dss/common';
import { type Command, Option } from 'commander';
import { ExitCode } from '../exit-codes';

/** One finding of `dss-admin doctor`. */
export interface DoctorCheck {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

const NO_CREATION: SecretCreation = { mayCreate: false };

function messageOf(err: unknown): string {
  if (err instanceof ConfigError) return `configuration error: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** A secret that is missing on a fresh installation will be created: a warning, not a failure. */
function secretCheck(check: string, populated: boolean, load: () => string): DoctorCheck {
  try {
    return { check, status: 'ok', detail: load() };
  } catch (err) {
    const fresh = !populated && err instanceof DomainError && err.code === ErrorCode.SecretMissing;
    return fresh
      ? { check, status: 'warn', detail: 'missing; it will be created at the first start' }
      : { check, status: 'fail', detail: messageOf(err) };
  }
}

/**
 * Checks the custody of an installation, stopped or running, without changing anything: the
 * configuration, the database, the data directory's and secret files' permissions, the server
 * key, the master key (against the database's keys and key check value) and the pepper. It
 * starts no service and creates no file.
 */
export async function runDoctor(config: DssConfig): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [{ check: 'configuration', status: 'ok', detail: 'valid' }];
  let state: InstallationState;
  try {
    state = await inspectInstallation(config);
    checks.push({
      check: 'database',
      status: 'ok',
      detail: state.exists
        ? `${config.databaseEngine}: ${state.users} user(s), ${state.operators} operator(s), ${state.keyPairs} key pair(s)`
        : `${config.databaseEngine}: no schema yet (a fresh installation)`,
    });
  } catch (err) {
    checks.push({ check: 'database', status: 'fail', detail: messageOf(err) });
    return checks;
  }
  const populated = isPopulated(state, 'key');
  const creation = populated ? secretCreationFor(state, 'key') : NO_CREATION;
  const pepperPopulated = isPopulated(state, 'pepper');
  const pepperCreation = pepperPopulated ? secretCreationFor(state, 'pepper') : NO_CREATION;
  const warnings = custodyWarnings(config);
  checks.push(
    warnings.length === 0
      ? { check: 'permissions', status: 'ok', detail: 'data directory and secret files private' }
      : { check: 'permissions', status: 'warn', detail: warnings.join('; ') },
  );
  const digestSigner = nativeDigestSignerProblem();
  checks.push(
    digestSigner === null
      ? { check: 'digest signer', status: 'ok', detail: 'OpenSSL, through the native module' }
      : { check: 'digest signer', status: 'warn', detail: `JavaScript fallback: ${digestSigner}` },
  );
  checks.push(
    secretCheck('server key', populated, () => {
      const identity = loadOrCreateServerIdentity(config.serverKeyFile, {
        ...creation,
        mayCreate: false,
      });
      return `${identity.privateKeyFile}, fingerprint ${identity.fingerprint}`;
    }),
  );
  checks.push(
    secretCheck('master key', populated, () => {
      const ring = MasterKeyRing.load(config, { creation: { ...creation, mayCreate: false } });
      try {
        checkMasterKey(ring, state);
        const current = ring.current();
        const under = state.kekUsage[current.id] ?? 0;
        const elsewhere = state.keyPairs - under;
        return (
          `current ${current.id} (${ring.source}), ${under} key pair(s) under it` +
          (elsewhere > 0
            ? `; ${elsewhere} under retired keys: run \`dss-admin master-key rewrap\``
            : '') +
          (state.kekCheck === undefined ? '' : `; check value ${state.kekCheck.value} matches`)
        );
      } finally {
        ring.close();
      }
    }),
  );
  checks.push(
    secretCheck('pepper', pepperPopulated, () => {
      const pepper = loadOrCreatePepper(config, { ...pepperCreation, mayCreate: false });
      return pepper.path === undefined ? pepper.source : `${pepper.source}: ${pepper.path}`;
    }),
  );
  return checks;
}

/** `dss-admin doctor`. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'check keys, pepper, master key and permissions of this installation (stopped or running); exit 6 on a problem',
    )
    .addOption(new Option('--json', 'print machine-readable JSON'))
    .action(async (opts: { json?: boolean }) => {
      if (existsSync('.env')) process.loadEnvFile('.env');
      let checks: DoctorCheck[];
      try {
        checks = await runDoctor(loadConfig());
      } catch (err) {
        checks = [{ check: 'configuration', status: 'fail', detail: messageOf(err) }];
      }
      const ok = checks.every((c) => c.status !== 'fail');
      process.stdout.write(
        opts.json === true
          ? `${JSON.stringify({ ok, checks })}\n`
          : `${checks.map((c) => `${c.status.toUpperCase().padEnd(4)} ${c.check}: ${c.detail}`).join('\n')}\n`,
      );
      if (!ok) process.exitCode = ExitCode.DoctorFailed;
    });
}
