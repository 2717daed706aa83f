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
  /** Where the signature's audit event sits in the verifiable log (docs/AUDIT-LOG.md §4). */
  receipt: { logIndex: number; leaf: string };
}

const SIGN_FIELDS: ReadonlySet<string> = new Set(['document', 'digest', 'encoding']);

/**
 * True when `body` is a SignDto that the validation pipe would pass unchanged: only known
 * fields, strings in the base64url alphabet, a known encoding. The lean route takes it as it is;
 * anything else goes through the pipe, which gives the same `invalid_request` as the Nest route.
 */
export function isWellFormedSignDto(body: object): body is SignDto {
  for (const [field, value] of Object.entries(body) as [string, unknown][]) {
    if (!SIGN_FIELDS.has(field) || value === undefined) return false;
    if (field === 'encoding') {
      if (!(SIGNATURE_ENCODINGS as readonly unknown[]).includes(value)) return false;
    } else if (typeof value !== 'string' || !B64U.test(value)) return false;
  }
  return true;
}
