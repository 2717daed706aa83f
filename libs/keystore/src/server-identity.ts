import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readSecretFile, writeSecretFile } from './secret-file';

/** The server's long-term ECDSA P-256 identity (PROTOCOL.md §1), which signs every handshake. */
export interface ServerIdentity {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SPKI PEM, as in `dss_public.pem`. */
  readonly publicKeyPem: string;
  /** Lowercase hex SHA-256 of the SPKI DER. */
  readonly fingerprint: string;
  /** True when this call created the key pair. */
  readonly created: boolean;
  readonly privateKeyFile: string;
  readonly publicKeyFile: string;
}

/** Lowercase hex SHA-256 of a public key's SPKI DER. */
export function publicKeyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Loads `dss_private.pem` (PKCS#8) from `privateKeyFile`, or creates it (0600) with
 * `dss_public.pem` (SPKI) beside it when absent. The public file is rewritten when missing.
 */
export function loadOrCreateServerIdentity(privateKeyFile: string): ServerIdentity {
  const publicKeyFile = join(dirname(privateKeyFile), 'dss_public.pem');
  let created = false;
  if (!existsSync(privateKeyFile)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeSecretFile(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    created = true;
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readSecretFile(privateKeyFile, 'server identity key'));
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('server identity key')) throw err;
    throw new Error(`server identity key: ${privateKeyFile} is not a PEM private key`);
  }
  if (
    privateKey.asymmetricKeyType !== 'ec' ||
    privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new Error(`server identity key: ${privateKeyFile} must be an ECDSA P-256 key`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  if (created || !existsSync(publicKeyFile))
    writeFileSync(publicKeyFile, publicKeyPem, { mode: 0o644 });
  return {
    privateKey,
    publicKey,
    publicKeyPem,
    fingerprint: publicKeyFingerprint(publicKey),
    created,
    privateKeyFile,
    publicKeyFile,
  };
}
