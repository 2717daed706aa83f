import { OptionalField } from '@dss/common';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { type SignatureAlgorithm } from '@dss/keystore';

const B64U = /^[A-Za-z0-9_-]*$/;
export const SIGNATURE_ENCODINGS = ['der', 'p1363'] as const;
export type SignatureEncoding = (typeof SIGNATURE_ENCODINGS)[number];
/**
 * `raw`: the bare ECDSA signature (the default); `cms`: a detached CMS SignedData, CAdES
 * baseline B-T (ETSI EN 319 122-1); `pades`: the same for a PDF signature dictionary, without
 * the signing-time attribute (ETSI EN 319 142-1 §5.2.2: the PDF's /M holds the claimed time).
 */
export const SIGNATURE_FORMATS = ['raw', 'cms', 'pades'] as const;
export type SignatureFormat = (typeof SIGNATURE_FORMATS)[number];

/** PROTOCOL.md §4 `POST /v1/signatures`: exactly one of `document` or `digest` (checked in the service). */
export class SignDto {
  @OptionalField()
  @IsString()
  @Matches(B64U, { message: 'document must be base64url without padding' })
  document?: string;

  @OptionalField()
  @IsString()
  @Matches(B64U, { message: 'digest must be base64url without padding' })
  digest?: string;

  @OptionalField()
  @IsIn(SIGNATURE_ENCODINGS)
  encoding?: SignatureEncoding;

  @OptionalField()
  @IsIn(SIGNATURE_FORMATS)
  format?: SignatureFormat;
}

/**
 * The encoding a response names: the one asked for (ECDSA), or `raw` for Ed25519, whose
 * signature is the 64-byte RFC 8032 string whatever was asked (docs/SIGNATURES.md).
 */
export type ResponseEncoding = SignatureEncoding | 'raw';

export interface SignatureResponse {
  /** The key that made the signature (the `key_pairs` id; docs/SIGNATURES.md). */
  keyId: string;
  /** `ecdsa-p256-sha256` for the original keys; `ecdsa-p384-sha384` or `ed25519` otherwise. */
  algorithm: SignatureAlgorithm;
  /** SHA-256 of the document (SHA-384 for `ecdsa-p384-sha384`). */
  digest: string;
  signature: string;
  encoding: ResponseEncoding;
  /** Present (true) when the key is older than the configured maximum key age. */
  rotateAdvised?: true;
  /** Present when a format other than `raw` was asked for; `signature` is then the DER CMS. */
  format?: SignatureFormat;
  /** Where the signature's audit event sits in the verifiable log (docs/AUDIT-LOG.md §4). */
  receipt: { logIndex: number; leaf: string };
}

const SIGN_FIELDS: ReadonlySet<string> = new Set(['document', 'digest', 'encoding', 'format']);

/**
 * True when `body` is a SignDto that the validation pipe would pass unchanged: only known
 * fields, strings in the base64url alphabet, a known encoding. The hot route takes it as it is;
 * anything else goes through the pipe, which gives the same `invalid_request` as the Nest route.
 */
export function isWellFormedSignDto(body: object): body is SignDto {
  for (const [field, value] of Object.entries(body) as [string, unknown][]) {
    if (!SIGN_FIELDS.has(field) || value === undefined) return false;
    if (field === 'encoding') {
      if (!(SIGNATURE_ENCODINGS as readonly unknown[]).includes(value)) return false;
    } else if (field === 'format') {
      if (!(SIGNATURE_FORMATS as readonly unknown[]).includes(value)) return false;
    } else if (typeof value !== 'string' || !B64U.test(value)) return false;
  }
  return true;
}

/** One item of a batch: a digest, as SignDoc's digest mode takes it. */
export class BatchItemDto {
  @IsDefined()
  @IsString()
  @Matches(B64U, { message: 'digest must be base64url without padding' })
  digest!: string;
}

/**
 * `POST /v1/signatures/batch` (docs/SIGNATURES.md, "Batch signing"): up to `DSS_MAX_BATCH`
 * digests signed with the active key; one audit event each, all in one transaction.
 */
export class SignBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => BatchItemDto)
  items!: BatchItemDto[];

  @OptionalField()
  @IsIn(SIGNATURE_ENCODINGS)
  encoding?: SignatureEncoding;
}

export interface BatchSignatureResponse {
  keyId: string;
  algorithm: SignatureAlgorithm;
  encoding: ResponseEncoding;
  /** In the order of the request's items. */
  items: { digest: string; signature: string; receipt: { logIndex: number; leaf: string } }[];
  rotateAdvised?: true;
}
