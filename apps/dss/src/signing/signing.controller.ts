import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ChannelSession, CurrentSession, Sealed } from '@dss/secure-channel';
import { callerOf } from '../caller';
import {
  type BatchSignatureResponse,
  SignBatchDto,
  type SignatureResponse,
  SignDto,
} from './dto/sign.dto';
import { SigningService } from './signing.service';

/** PROTOCOL.md §4: SignDoc; batch signing (docs/SIGNATURES.md). */
@Controller('v1/signatures')
export class SigningController {
  constructor(private readonly signing: SigningService) {}

  @Post()
  @HttpCode(200)
  @Sealed()
  sign(
    @Body() dto: SignDto,
    @CurrentSession() session: ChannelSession,
  ): Promise<SignatureResponse> {
    return this.signing.sign(callerOf(session), dto);
  }

  /** Up to `DSS_MAX_BATCH` digests in one request (docs/SIGNATURES.md, "Batch signing"). */
  @Post('batch')
  @HttpCode(200)
  @Sealed()
  signBatch(
    @Body() dto: SignBatchDto,
    @CurrentSession() session: ChannelSession,
  ): Promise<BatchSignatureResponse> {
    return this.signing.signBatch(callerOf(session), dto);
  }
}
