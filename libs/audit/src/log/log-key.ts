import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync } from 'node:fs';
import { readSecretFile, writeSecretFile } from '@dss/common';
import { parseVerifierKey, type NoteVerifier, verifierKey } from './note';

/** The Ed25519 key that signs the log's checkpoints (docs/AUDIT-LOG.md §3). */
export interface LogKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SPKI PEM. */
  readonly publicKeyPem: string;
  /** The key name: the log's origin. */
  readonly name: string;
  /** `<name>+<hex key id>+<base64(0x01 || public key)>` (C2SP signed-note). */
  readonly verifierKey: string;
  readonly verifier: NoteVerifier;
  /** True when this call created the key. */
  readonly created: boolean;
  readonly file: string;
}

/** The log key file is absent and creating one was not allowed. */
export class LogKeyMissingError extends Error {
  constructor(readonly file: string) {
    super(`log key: file ${file} does not exist`);
    this.name = 'LogKeyMissingError';
  }
}

/**
 * Loads the log key (PKCS#8 PEM) or, when `create` allows it and the file is absent, creates it
 * with an exclusive 0600 write (never over an existing file). A populated installation must not
 * invent a new log key: every checkpoint held outside would stop verifying, so callers pass
 * `create: false` there and get {@link LogKeyMissingError}.
 */
export function loadOrCreateLogKey(file: string, origin: string, create = true): LogKey {
  let created = false;
  if (!existsSync(file)) {
    if (!create) throw new LogKeyMissingError(file);
    const { privateKey } = generateKeyPairSync('ed25519');
    writeSecretFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    created = true;
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readSecretFile(file, 'log key'));
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('log key')) throw err;
    throw new Error(`log key: ${file} is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`log key: ${file} must be an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  const vkey = verifierKey(origin, publicKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    name: origin,
    verifierKey: vkey,
    verifier: parseVerifierKey(vkey),
    created,
    file,
  };
}
