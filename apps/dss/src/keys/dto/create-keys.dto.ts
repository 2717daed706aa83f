import { IsIn, IsOptional } from 'class-validator';

export const KEY_ALGORITHMS = ['ecdsa-p256'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** PROTOCOL.md §4 `POST /v1/keys`: `{}` or `{"algorithm": "ecdsa-p256"}`. */
export class CreateKeysDto {
  @IsOptional()
  @IsIn(KEY_ALGORITHMS)
  algorithm?: KeyAlgorithm;
}

export interface KeyInfo {
  keyId: string;
  algorithm: KeyAlgorithm;
  publicKey: string;
  fingerprint: string;
  createdAt: string;
  /** The key's X.509 certificate from the DSS CA (PEM); absent for keys made before the CA. */
  certificate?: string;
}
