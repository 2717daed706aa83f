import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { type HandshakeResponseWire, PublicRoute, SecureChannelService } from '@dss/secure-channel';
import { type Request } from 'express';

/** PROTOCOL.md §2 and §5: the two employee-API routes that are deliberately not sealed. */
@Controller('v1')
export class HandshakeController {
  constructor(private readonly channel: SecureChannelService) {}

  @Post('handshake')
  @HttpCode(200)
  @PublicRoute()
  handshake(@Body() body: unknown, @Req() req: Request): Promise<HandshakeResponseWire> {
    return this.channel.handshake(body, req.ip ?? 'unknown');
  }

  @Get('server-key')
  @PublicRoute()
  serverKey(): { publicKey: string; fingerprint: string } {
    return this.channel.serverKey();
  }
}
