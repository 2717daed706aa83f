import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { DomainError, ErrorCode } from '@dss/common';
import { type ChannelSession, CurrentSession, Sealed } from '@dss/secure-channel';

/** Test-only sealed routes, mounted by the e2e suites of the secure channel. */
@Controller('v1/test')
export class TestRoutesController {
  @Post('echo')
  @HttpCode(200)
  @Sealed({ state: 'any' })
  echo(
    @Body() body: Record<string, unknown>,
    @CurrentSession() session: ChannelSession,
  ): Record<string, unknown> {
    return { echo: body, state: session.state };
  }

  @Post('fail')
  @Sealed({ state: 'any' })
  fail(): never {
    throw new DomainError(ErrorCode.NoKey, 'no active key pair');
  }

  @Post('crash')
  @Sealed({ state: 'any' })
  crash(): never {
    throw new Error('boom: internal detail that must not leak');
  }

  @Post('secret')
  @HttpCode(200)
  @Sealed()
  secret(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [TestRoutesController] })
export class TestRoutesModule {}
