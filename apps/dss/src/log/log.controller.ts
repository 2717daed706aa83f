import { Controller, Get, Header, Query } from '@nestjs/common';
import { TransparencyLogService } from '@dss/audit';
import { DomainError, ErrorCode } from '@dss/common';
import { PublicRoute } from '@dss/secure-channel';

/** A query parameter that must be a decimal integer in [min, 2^53). */
function intParam(value: unknown, name: string, min: number): number {
  if (typeof value !== 'string' || !/^(0|[1-9]\d{0,15})$/.test(value))
    throw new DomainError(ErrorCode.InvalidRequest, `${name} must be a decimal integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new DomainError(ErrorCode.InvalidRequest, `${name} must be at least ${min}`);
  return n;
}

const b64 = (hashes: Buffer[]): string[] => hashes.map((h) => h.toString('base64'));

/**
 * The verifiable log's public face (docs/AUDIT-LOG.md §5): signed tree heads, the log key and
 * Merkle proofs. Only hashes and signatures, never event contents, so not sealed: anyone may
 * witness the log.
 */
@Controller('v1/log')
@PublicRoute()
export class LogController {
  constructor(private readonly log: TransparencyLogService) {}

  @Get('checkpoint')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async checkpoint(): Promise<string> {
    const latest = await this.log.latestCheckpoint();
    if (!latest) throw new DomainError(ErrorCode.Unavailable, 'no checkpoint signed yet');
    return latest.note;
  }

  @Get('key')
  key(): { verifierKey: string; publicKey: string } {
    return { verifierKey: this.log.key.verifierKey, publicKey: this.log.key.publicKeyPem };
  }

  @Get('proof/inclusion')
  async inclusion(
    @Query('index') indexText: unknown,
    @Query('size') sizeText: unknown,
  ): Promise<{ index: number; size: number; hashes: string[] }> {
    const index = intParam(indexText, 'index', 0);
    const size = intParam(sizeText, 'size', 1);
    return { index, size, hashes: b64(await this.log.inclusion(index, size)) };
  }

  @Get('proof/consistency')
  async consistency(
    @Query('from') fromText: unknown,
    @Query('to') toText: unknown,
  ): Promise<{ from: number; to: number; hashes: string[] }> {
    const from = intParam(fromText, 'from', 1);
    const to = intParam(toText, 'to', 1);
    return { from, to, hashes: b64(await this.log.consistency(from, to)) };
  }
}
