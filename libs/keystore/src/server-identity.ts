import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@dss/common';
import { loadOrCreateSecret, MAY_CREATE_SECRETS, type SecretCreation } from '@dss/common';

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
 * Loads `dss_private.pem` (PKCS#8) from `privateKeyFile`, or creates it (0600, atomically) with
 * `dss_public.pem` (SPKI) beside it when absent and `creation` allows it: on a populated
 * installation a missing or empty key stops the start (`secret_missing`), since clients pin
 * the server key and a new one would lock every client out. The public file is rewritten when
 * missing.
 */
export function loadOrCreateServerIdentity(
  privateKeyFile: string,
  creation: SecretCreation = MAY_CREATE_SECRETS,
): ServerIdentity {
  const publicKeyFile = join(dirname(privateKeyFile), 'dss_public.pem');
  const { value: privateKey, created } = loadOrCreateSecret(
    {
      path: privateKeyFile,
      what: 'server identity key',
      hint: 'restore dss_private.pem from the backup (clients pin its public key)',
      generate: () =>
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }),
      parse: (pem) => parseIdentityKey(pem, privateKeyFile),
    },
    creation,
  );
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  if (created || !existsSync(publicKeyFile)) {
    writeFileAtomic(publicKeyFile, publicKeyPem, { mode: 0o644 });
  }
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

function parseIdentityKey(pem: Buffer, privateKeyFile: string): KeyObject {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`server identity key: ${privateKeyFile} is not a PEM private key`);
  }
  if (
    privateKey.asymmetricKeyType !== 'ec' ||
    privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new Error(`server identity key: ${privateKeyFile} must be an ECDSA P-256 key`);
  }
  return privateKey;
}
