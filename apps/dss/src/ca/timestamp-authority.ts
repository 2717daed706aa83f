import { Inject, Injectable } from '@nestjs/common';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { PkiService } from '@dss/pki';
import { RateLimiter } from '@dss/common';
import { type Request } from 'express';

/** A TimeStampReq is a hash and a few fields; 16 KiB is generous (extensions included). */
const MAX_QUERY_BYTES = 16 * 1024;

/**
 * `POST /v1/tsa`: checks the media type, the per-address rate and the size, reads the DER body
 * and hands it to the TSA. Errors of the HTTP layer answer plain JSON with a stable code; a
 * malformed request body gets an RFC 3161 rejection (the TSA's own answer).
 */
@Injectable()
export class TimestampAuthority {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly pki: PkiService,
    @Inject(DSS_CONFIG) config: DssConfig,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.limiter = new RateLimiter(config.tsaRatePerMinute, undefined, clock);
  }

  async answer(req: Request): Promise<Buffer> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/timestamp-query') {
      throw new DomainError(
        ErrorCode.UnsupportedMediaType,
        'send a DER TimeStampReq as application/timestamp-query (RFC 3161 §3.4)',
      );
    }
    const client = req.ip ?? 'unknown';
    const wait = this.limiter.take(client);
    if (wait > 0) {
      throw new DomainError(ErrorCode.RateLimited, 'too many timestamp requests; slow down', {
        retryAfterSeconds: wait,
      });
    }
    const body = await readBody(req, MAX_QUERY_BYTES);
    return this.pki.answerTimestampQuery(body, client);
  }
}

function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () =>
      new DomainError(ErrorCode.DocumentTooLarge, `a timestamp query is at most ${limit} bytes`);
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(tooLarge());
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
