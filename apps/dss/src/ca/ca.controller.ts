import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { PkiService } from '@dss/pki';
import { PublicRoute, Sealed } from '@dss/secure-channel';
import { type Request, type Response } from 'express';
import { EmptyDto } from '../auth/dto/empty.dto';
import { type CaTrustResponse } from './dto/ca-trust.dto';
import { TimestampAuthority } from './timestamp-authority';

/**
 * PROTOCOL.md §5: the certificate authority's and the time-stamping authority's public routes,
 * unsealed, each in its own standard's format — anyone verifying a DSS signature needs them.
 */
@Controller('v1')
export class CaController {
  constructor(
    private readonly pki: PkiService,
    private readonly tsa: TimestampAuthority,
  ) {}

  /** The CA certificate and the chain above it (RFC 8555 §9.1 media type). */
  @Get('ca/certificate')
  @PublicRoute()
  async certificate(@Res() res: Response): Promise<void> {
    const pem = await this.pki.caCertificatePem();
    res.status(200).type('application/pem-certificate-chain').send(pem);
  }

  /** The current CRL, DER (RFC 5280 §5; media type RFC 2585 §4.2). */
  @Get('ca/crl')
  @PublicRoute()
  async crl(@Res() res: Response): Promise<void> {
    const der = await this.pki.currentCrl();
    res.status(200).type('application/pkix-crl').send(der);
  }

  /**
   * The CA chain and the current CRL, sealed (any session state, no login needed): the same
   * bytes as the two public routes, but authenticated by the pinned server key, so `dss verify`
   * needs no trust on first use (docs/SIGNATURES.md).
   */
  @Post('ca/trust')
  @HttpCode(200)
  @Sealed({ state: 'any' })
  trust(@Body() _dto: EmptyDto): Promise<CaTrustResponse> {
    return this.pki.trustBundle();
  }

  /** RFC 3161 §3.4: time-stamp protocol over HTTP. */
  @Post('tsa')
  @HttpCode(200)
  @PublicRoute()
  async timestamp(@Req() req: Request, @Res() res: Response): Promise<void> {
    const reply = await this.tsa.answer(req);
    res.status(200).type('application/timestamp-reply').send(reply);
  }
}
