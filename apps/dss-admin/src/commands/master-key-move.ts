import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, ErrorCode } from '@dss/common';
import { type DssConfig } from '@dss/config';
import { DEFAULT_MASTER_KEY_FILE_NAME, MasterKeyRing, Pkcs11Kek } from '@dss/keystore';
import { type SecretCreation } from '@dss/common';

/** Where `dss-admin master-key rotate --to` moves the master key. */
export type MoveTarget = 'file' | 'pkcs11';

/**
 * The key ring for a move between a file KEK and a PKCS#11 token, the target first:
 * - `pkcs11`: the token's key (generated inside the token when no key has the label), then
 *   the file keys as retired keys;
 * - `file`: a fresh key put first in the master key file (created when missing), then the
 *   file's other keys and the token's key as retired keys.
 * Re-wrapping every key pair under the ring's current key completes the move.
 */
export function loadRingForMove(
  to: MoveTarget,
  config: DssConfig,
  creation: SecretCreation,
): MasterKeyRing {
  if (config.kekPkcs11 === undefined) {
    throw new DomainError(
      ErrorCode.InvalidRequest,
      'moving the master key between a file and a token needs the DSS_KEK_PKCS11_* variables (module, slot or token label, PIN, key label)',
    );
  }
  if (to === 'pkcs11') return MasterKeyRing.load(config, { creation, createTokenKey: true });
  if (config.masterKey !== undefined) {
    throw new DomainError(
      ErrorCode.InvalidRequest,
      'DSS_MASTER_KEY is set: a new key cannot be written there; use DSS_MASTER_KEY_FILE or the data directory file',
    );
  }
  const token = Pkcs11Kek.open(config.kekPkcs11);
  try {
    const path = config.masterKeyFile ?? join(config.dataDir, DEFAULT_MASTER_KEY_FILE_NAME);
    if (existsSync(path) && statSync(path).size > 0) MasterKeyRing.rotateFile(path);
    else MasterKeyRing.createFile(path);
    const files = MasterKeyRing.load(
      { ...config, kekPkcs11: undefined, masterKeyFile: path },
      { creation: { mayCreate: false } },
    );
    return MasterKeyRing.of([...files.keys(), token], 'file');
  } catch (err) {
    token.close();
    throw err;
  }
}

/** What to tell the operator after a move. */
export function moveMessage(to: MoveTarget, kekId: string, rewrapped: number): string {
  return to === 'pkcs11'
    ? `Master key ${kekId} is now inside the PKCS#11 token; re-wrapped ${rewrapped} key pair(s). ` +
        'Run the service with the same DSS_KEK_PKCS11_* variables and restart it; keep the old master key file until `dss-admin master-key status` shows no key pair under it.'
    : `New master key ${kekId} in the master key file; re-wrapped ${rewrapped} key pair(s). ` +
        'Unset DSS_KEK_PKCS11_* for the service and restart it.';
}
