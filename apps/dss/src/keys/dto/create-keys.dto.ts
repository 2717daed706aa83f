import { OptionalField } from '@dss/common';
import { IsIn } from 'class-validator';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '@dss/keystore';

export { KEY_ALGORITHMS, type KeyAlgorithm };

/**
 * PROTOCOL.md §4 `POST /v1/keys`: `{}` or `{"algorithm": "ecdsa-p256"}`; `ecdsa-p384` and
 * `ed25519` too (docs/SIGNATURES.md, "Key lifecycle").
 */
export class CreateKeysDto {
  @OptionalField()
  @IsIn(KEY_ALGORITHMS)
  algorithm?: KeyAlgorithm;
}

/** `POST /v1/keys/rotate`: `{}` keeps the current key's algorithm, or names another. */
export class RotateKeysDto {
  @OptionalField()
  @IsIn(KEY_ALGORITHMS)
  algorithm?: KeyAlgorithm;
}

/** Where a key pair is in its life (docs/SIGNATURES.md, "Key lifecycle"). */
export type KeyStatus = 'active' | 'retired' | 'pending_deletion' | 'deleted';

export interface KeyInfo {
  keyId: string;
  algorithm: KeyAlgorithm;
  publicKey: string;
  fingerprint: string;
  createdAt: string;
  /** The key's X.509 certificate from the DSS CA (PEM); absent for keys made before the CA. */
  certificate?: string;
  /** Added by the key lifecycle: the key signs (or signed) from `validFrom` (= `createdAt`)… */
  validFrom: string;
  /** …until `validTo` (retirement or deletion); null while the key is active. */
  validTo: string | null;
  status: KeyStatus;
  /** Present (true) when the active key is older than the configured maximum key age. */
  rotateAdvised?: true;
}

/** `POST /v1/keys/rotate` result: the new key, and the one it retired. */
export interface RotateResult extends KeyInfo {
  retiredKeyId: string;
}
