import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Clock, CLOCK, DomainError, type DssMetrics, ErrorCode, METRICS } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { buildDetachedCms, PkiService } from '@dss/pki';
import { createHash } from 'node:crypto';
import { ALGORITHM_PROFILES, type KeyAlgorithm } from '@dss/keystore';
import { type ActiveKey, ActiveKeyIndex } from '../keys/active-key-index';
import { rotateAdvisedFor } from '../keys/key-age';
import { type Caller } from '../caller';
import {
  type BatchSignatureResponse,
  type SignatureEncoding,
  type SignatureResponse,
  type SignBatchDto,
  type SignDto,
} from './dto/sign.dto';
import { KeyNoLongerActiveError, SignatureLedger, type SignatureReceipt } from './signature-ledger';

/** Strict base64url: the canonical encoding only (DTO validation has checked the alphabet). */
function decodeB64u(value: string, field: string): Buffer {
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) {
    throw new DomainError(ErrorCode.InvalidRequest, `${field} is not canonical base64url`);
  }
  return bytes;
}

/**
 * The digest a document's signature is recorded under: SHA-384 for P-384 (the hash it signs),
 * SHA-256 otherwise (for Ed25519 only a record: it signs the document itself).
 */
function documentDigest(algorithm: KeyAlgorithm, document: Buffer): Buffer {
  return createHash(algorithm === 'ecdsa-p384' ? 'sha384' : 'sha256')
    .update(document)
    .digest();
}

/** A client digest checked against the key: its hash's length, and a key with a digest mode. */
function checkedDigest(active: ActiveKey, digest: Buffer, field = 'digest'): Buffer {
  const bytes = active.key.digestBytes;
  if (bytes === null) {
    throw new DomainError(
      ErrorCode.DigestNotSupported,
      `${active.key.algorithm} keys sign whole documents only: send the document, not a digest`,
    );
  }
  if (digest.length !== bytes) {
    throw new DomainError(
      ErrorCode.InvalidRequest,
      `${field} must be ${bytes} bytes (${bytes === 48 ? 'SHA-384' : 'SHA-256'}) for this ${active.key.algorithm} key`,
    );
  }
  return digest;
}

const PROTOCOL_DIGEST_BYTES = 32;

/**
 * SignDoc (PROTOCOL.md §4): ECDSA P-256 over SHA-256, as in the original report; ECDSA P-384
 * over SHA-384 and Ed25519 for keys made with those algorithms; batch signing of digests
 * (docs/SIGNATURES.md, "Key lifecycle" and "Batch signing").
 */
@Injectable()
export class SigningService {
  private readonly maxDocumentBytes: number;
  private readonly maxBatch: number;
  private readonly maxKeyAgeDays: number;

  constructor(
    private readonly activeKeys: ActiveKeyIndex,
    private readonly ledger: SignatureLedger,
    private readonly pki: PkiService,
    @Inject(DSS_CONFIG) config: DssConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(METRICS) private readonly metrics?: DssMetrics,
  ) {
    this.maxDocumentBytes = config.maxDocumentBytes;
    this.maxBatch = config.maxBatch;
    this.maxKeyAgeDays = config.maxKeyAgeDays;
  }

  async sign(caller: Caller, dto: SignDto): Promise<SignatureResponse> {
    if ((dto.document === undefined) === (dto.digest === undefined)) {
      throw new DomainError(ErrorCode.InvalidRequest, 'send exactly one of document and digest');
    }
    const format = dto.format ?? 'raw';
    if (format !== 'raw' && dto.encoding === 'p1363') {
      throw new DomainError(ErrorCode.InvalidRequest, 'CMS signatures are DER; drop encoding');
    }
    const encoding: SignatureEncoding = dto.encoding ?? 'der';
    let document: Buffer | undefined;
    let given: Buffer | undefined;
    if (dto.document !== undefined) {
      // Compare before decoding: a base64url string of n characters holds floor(3n/4) bytes.
      if (Math.floor((dto.document.length * 3) / 4) > this.maxDocumentBytes) {
        throw new DomainError(
          ErrorCode.DocumentTooLarge,
          `documents are limited to ${this.maxDocumentBytes} bytes; send the digest instead`,
        );
      }
      document = decodeB64u(dto.document, 'document');
    } else {
      given = decodeB64u(dto.digest!, 'digest');
      // Neither a SHA-256 nor a SHA-384 digest: refused before the key is read, as always.
      if (given.length !== PROTOCOL_DIGEST_BYTES && given.length !== 48) {
        throw new DomainError(ErrorCode.InvalidRequest, 'digest must be 32 bytes (SHA-256)');
      }
    }

    // Two tries: a cached key that was deleted, retired or replaced elsewhere is dropped and
    // looked up again.
    for (let attempt = 0; attempt < 2; attempt++) {
      const active = await this.activeKeys.get(caller.userId);
      if (!active) break;
      const algorithm = active.key.algorithm;
      if (format !== 'raw' && algorithm !== 'ecdsa-p256') {
        throw new DomainError(
          ErrorCode.InvalidRequest,
          `CMS and PAdES signatures need an ecdsa-p256 key; this key is ${algorithm}`,
        );
      }
      const digest = document ? documentDigest(algorithm, document) : checkedDigest(active, given!);
      const signature =
        format === 'raw'
          ? document
            ? active.key.signDocument(document, encoding)
            : active.key.signDigest(digest, encoding)
          : await this.cms(active, caller, digest, format);
      let receipt: SignatureReceipt;
      try {
        receipt = await this.ledger.record({
          userId: caller.userId,
          authenticatedAt: caller.authenticatedAt,
          username: caller.username,
          keyId: active.keyId,
          digest: digest.toString('hex'),
          encoding: format === 'raw' ? encoding : format,
          mode: document ? 'document' : 'digest',
        });
      } catch (err) {
        if (err instanceof KeyNoLongerActiveError) {
          this.activeKeys.forget(caller.userId);
          continue;
        }
        throw err;
      }
      this.metrics?.signatures.inc({ mode: document ? 'document' : 'digest' });
      return {
        keyId: active.keyId,
        algorithm: ALGORITHM_PROFILES[algorithm].signature,
        digest: digest.toString('base64url'),
        signature: signature.toString('base64url'),
        encoding: algorithm === 'ed25519' ? 'raw' : encoding,
        ...(format === 'raw' ? {} : { format }),
        ...this.advice(active),
        receipt,
      };
    }
    if (given !== undefined && given.length !== PROTOCOL_DIGEST_BYTES) {
      throw new DomainError(ErrorCode.InvalidRequest, 'digest must be 32 bytes (SHA-256)');
    }
    throw new DomainError(ErrorCode.NoKey, 'no active key pair');
  }

  /**
   * Batch signing: every digest is checked before anything is signed (one bad item refuses the
   * whole batch, nothing signed, nothing audited), then each is signed with the active key and
   * all audit events commit in one transaction — or none, and the batch is refused.
   */
  async signBatch(caller: Caller, dto: SignBatchDto): Promise<BatchSignatureResponse> {
    if (dto.items.length > this.maxBatch) {
      throw new DomainError(
        ErrorCode.BatchTooLarge,
        `a batch holds at most ${this.maxBatch} digests; this one has ${dto.items.length}`,
        { maxBatch: this.maxBatch },
      );
    }
    const encoding: SignatureEncoding = dto.encoding ?? 'der';
    const given = dto.items.map((item, n) => decodeB64u(item.digest, `items[${n}].digest`));
    for (let attempt = 0; attempt < 2; attempt++) {
      const active = await this.activeKeys.get(caller.userId);
      if (!active) break;
      const digests = given.map((d, n) => checkedDigest(active, d, `items[${n}].digest`));
      const signatures = digests.map((d) => active.key.signDigest(d, encoding));
      let receipts: SignatureReceipt[];
      try {
        receipts = await this.ledger.recordAll(
          digests.map((d) => ({
            userId: caller.userId,
            authenticatedAt: caller.authenticatedAt,
            username: caller.username,
            keyId: active.keyId,
            digest: d.toString('hex'),
            encoding,
            mode: 'digest' as const,
          })),
        );
      } catch (err) {
        if (err instanceof KeyNoLongerActiveError) {
          this.activeKeys.forget(caller.userId);
          continue;
        }
        throw err;
      }
      this.metrics?.signatures.inc({ mode: 'digest' }, digests.length);
      return {
        keyId: active.keyId,
        algorithm: ALGORITHM_PROFILES[active.key.algorithm].signature,
        encoding,
        items: digests.map((d, n) => ({
          digest: d.toString('base64url'),
          signature: signatures[n].toString('base64url'),
          receipt: receipts[n],
        })),
        ...this.advice(active),
      };
    }
    throw new DomainError(ErrorCode.NoKey, 'no active key pair');
  }

  /** `rotateAdvised: true` once the key is older than `DSS_MAX_KEY_AGE_DAYS`. */
  private advice(active: ActiveKey): { rotateAdvised?: true } {
    return rotateAdvisedFor(active.createdAt, this.clock.now(), this.maxKeyAgeDays)
      ? { rotateAdvised: true }
      : {};
  }

  /**
   * A detached CMS SignedData over the content whose SHA-256 is `digest`: the key's certificate
   * and the CA chain, signed attributes, and a signature timestamp (CAdES / PAdES B-T).
   */
  private async cms(
    active: ActiveKey,
    caller: Caller,
    digest: Buffer,
    format: 'cms' | 'pades',
  ): Promise<Buffer> {
    const certificate = await this.pki.certificateDerOfKey(active.keyId);
    if (certificate === null) {
      throw new DomainError(
        ErrorCode.NoCertificate,
        'this key pair has no certificate (made before the DSS CA); create a new key pair for CMS',
      );
    }
    const { der } = await buildDetachedCms({
      certificate,
      chain: await this.pki.caChainDer(),
      contentDigest: digest,
      signingTime: format === 'cms' ? new Date(this.clock.now()) : undefined,
      sign: (data) => active.key.signDocument(data, 'der'),
      timestamp: (signatureDigest) =>
        this.pki.signatureTimestamp(signatureDigest, { type: 'user', name: caller.username }),
    });
    return der;
  }
}
