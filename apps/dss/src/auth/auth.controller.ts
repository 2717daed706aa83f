import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { type ChannelSession, CurrentSession, Sealed } from '@dss/secure-channel';
import { type Request } from 'express';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { EmptyDto } from './dto/empty.dto';
import { LoginDto, type LoginResponse } from './dto/login.dto';

/** PROTOCOL.md §4: login, password change, logout. */
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Sealed({ state: 'open' })
  login(
    @Body() dto: LoginDto,
    @CurrentSession() session: ChannelSession,
    @Req() req: Request,
  ): Promise<LoginResponse> {
    return this.auth.login(session, dto, req.ip ?? 'unknown');
  }

  @Post('password')
  @HttpCode(200)
  @Sealed({ state: 'password-change' })
  changePassword(
    @Body() dto: ChangePasswordDto,
    @CurrentSession() session: ChannelSession,
    @Req() req: Request,
  ): Promise<{ changed: true }> {
    return this.auth.changePassword(session, dto, req.ip ?? 'unknown');
  }

  @Post('logout')
  @HttpCode(200)
  @Sealed({ state: 'any' })
  logout(
    @Body() _dto: EmptyDto,
    @CurrentSession() session: ChannelSession,
  ): Promise<{ loggedOut: true }> {
    return this.auth.logout(session);
  }
}
