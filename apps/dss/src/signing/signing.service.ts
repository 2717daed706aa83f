import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Clock, CLOCK, DomainError, type DssMetrics, ErrorCode, METRICS } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { buildDetachedCms, PkiService } from '@dss/pki';
import { createHash, X509Certificate } from 'node:crypto';
import { type ActiveKey, ActiveKeyIndex } from '../keys/active-key-index';
import { type Caller } from '../caller';
import { type SignatureEncoding, type SignatureResponse, type SignDto } from './dto/sign.dto';
import { KeyNoLongerActiveError, SignatureLedger, type SignatureReceipt } from './signature-ledger';

/** Strict base64url: the canonical encoding only (DTO validation has checked the alphabet). */
function decodeB64u(value: string, field: string): Buffer {
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) {
    throw new DomainError(ErrorCode.InvalidRequest, `${field} is not canonical base64url`);
  }
  return bytes;
}

/** SignDoc (PROTOCOL.md §4): ECDSA P-256 over SHA-256, as in the original report. */
@Injectable()
export class SigningService {
  private readonly maxDocumentBytes: number;

  constructor(
    private readonly activeKeys: ActiveKeyIndex,
    private readonly ledger: SignatureLedger,
    private readonly pki: PkiService,
    @Inject(DSS_CONFIG) config: DssConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(METRICS) private readonly metrics?: DssMetrics,
  ) {
    this.maxDocumentBytes = config.maxDocumentBytes;
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
    let digest: Buffer;
    if (dto.document !== undefined) {
      // Compare before decoding: a base64url string of n characters holds floor(3n/4) bytes.
      if (Math.floor((dto.document.length * 3) / 4) > this.maxDocumentBytes) {
        throw new DomainError(
          ErrorCode.DocumentTooLarge,
          `documents are limited to ${this.maxDocumentBytes} bytes; send the digest instead`,
        );
      }
      document = decodeB64u(dto.document, 'document');
      digest = createHash('sha256').update(document).digest();
    } else {
      digest = decodeB64u(dto.digest!, 'digest');
      if (digest.length !== 32)
        throw new DomainError(ErrorCode.InvalidRequest, 'digest must be 32 bytes (SHA-256)');
    }

    // Two tries: a cached key that was deleted or replaced elsewhere is dropped and looked up again.
    for (let attempt = 0; attempt < 2; attempt++) {
      const active = await this.activeKeys.get(caller.userId);
      if (!active) break;
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
        algorithm: 'ecdsa-p256-sha256',
        digest: digest.toString('base64url'),
        signature: signature.toString('base64url'),
        encoding,
        ...(format === 'raw' ? {} : { format }),
        receipt,
      };
    }
    throw new DomainError(ErrorCode.NoKey, 'no active key pair');
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
    const certificate = await this.pki.certificateOfKey(active.keyId);
    if (certificate === null) {
      throw new DomainError(
        ErrorCode.NoCertificate,
        'this key pair has no certificate (made before the DSS CA); create a new key pair for CMS',
      );
    }
    const { der } = await buildDetachedCms({
      certificate: new Uint8Array(new X509Certificate(certificate).raw),
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
