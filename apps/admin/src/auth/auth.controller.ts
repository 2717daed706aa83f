import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { ApiErrors } from '../common/api-errors.decorator';
import { CurrentOperator, type OperatorContext } from '../common/operator-context';
import { AllowPasswordChange, Public, Roles } from '../common/roles.decorator';
import { AuthService } from './auth.service';
import { ChangePasswordDto, ChangePasswordResponseDto } from './dto/change-password.dto';
import { LoginDto, LoginResponseDto } from './dto/login.dto';
import { CurrentOperatorDto, LogoutResponseDto, SignInStatusDto } from './dto/session.dto';
import { clearSessionCookies, setSessionCookies } from './session-cookies';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Log in',
    description:
      'Opens a session. By default the answer carries a bearer token (`accessToken`); with `"session": "cookie"` it sets an HttpOnly, SameSite=Strict session cookie (`dss_admin_session`) and a readable `dss_csrf` cookie instead, and carries no token. Unknown operator, disabled operator and wrong password all answer 401 `invalid_credentials`; repeated failures lock the operator (429 `too_many_attempts`), and logins are throttled per client address.',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors({
    400: ['invalid_request'],
    401: ['invalid_credentials'],
    429: ['too_many_attempts'],
  })
  async login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponseDto> {
    const { response, session } = await this.auth.login(dto, req.ip ?? 'unknown');
    setSessionCookies(req, res, session);
    return response;
  }

  @Get('sign-in-status')
  @Public()
  @ApiOperation({
    summary: 'Sign-in page status',
    description:
      'What the sign-in page may show before anyone signs in: whether the first-start `admin` has still never signed in (then the page says where its bootstrap password is). Holds no secret.',
  })
  @ApiOkResponse({ type: SignInStatusDto })
  signInStatus(): Promise<SignInStatusDto> {
    return this.auth.signInStatus();
  }

  @Post('password')
  @HttpCode(200)
  @Roles('admin', 'auditor')
  @AllowPasswordChange()
  @ApiOperation({
    summary: 'Change your password',
    description:
      'Allowed while a password change is required. Ends every session of the operator, this one included: log in again with the new password.',
  })
  @ApiOkResponse({ type: ChangePasswordResponseDto })
  @ApiErrors({
    400: ['invalid_request'],
    401: ['invalid_credentials'],
    422: ['weak_password'],
    429: ['too_many_attempts'],
  })
  async changePassword(
    @Body() dto: ChangePasswordDto,
    @CurrentOperator() operator: OperatorContext,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChangePasswordResponseDto> {
    const result = await this.auth.changePassword(operator, dto, req.ip ?? 'unknown');
    if (operator.sessionKind === 'cookie') clearSessionCookies(req, res);
    return result;
  }

  @Post('logout')
  @HttpCode(200)
  @Roles('admin', 'auditor')
  @AllowPasswordChange()
  @ApiOperation({
    summary: 'Log out',
    description: 'Revokes the token or cookie session used for this request.',
  })
  @ApiOkResponse({ type: LogoutResponseDto })
  async logout(
    @CurrentOperator() operator: OperatorContext,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LogoutResponseDto> {
    const result = await this.auth.logout(operator);
    if (operator.sessionKind === 'cookie') clearSessionCookies(req, res);
    return result;
  }

  @Get('me')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Who am I', description: 'The operator and session of this request.' })
  @ApiOkResponse({ type: CurrentOperatorDto })
  me(@CurrentOperator() operator: OperatorContext): CurrentOperatorDto {
    return this.auth.me(operator);
  }
}
