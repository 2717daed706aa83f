import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

const B64U = /^[A-Za-z0-9_-]*$/;
export const SIGNATURE_ENCODINGS = ['der', 'p1363'] as const;
export type SignatureEncoding = (typeof SIGNATURE_ENCODINGS)[number];

/** PROTOCOL.md §4 `POST /v1/signatures`: exactly one of `document` or `digest` (checked in the service). */
export class SignDto {
  @IsOptional()
  @IsString()
  @Matches(B64U, { message: 'document must be base64url without padding' })
  document?: string;

  @IsOptional()
  @IsString()
  @Matches(B64U, { message: 'digest must be base64url without padding' })
  digest?: string;

  @IsOptional()
  @IsIn(SIGNATURE_ENCODINGS)
  encoding?: SignatureEncoding;
}

export interface SignatureResponse {
  keyId: string;
  algorithm: 'ecdsa-p256-sha256';
  digest: string;
  signature: string;
  encoding: SignatureEncoding;
}
