import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OPERATOR_ROLES } from '@dss/accounts';
import { type OperatorRole, type OperatorSessionKind } from '@dss/persistence';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

const SESSION_KINDS: readonly OperatorSessionKind[] = ['bearer', 'cookie'];

export class LoginDto {
  @ApiProperty({ type: String, example: 'admin' })
  @IsString()
  @Length(1, 128)
  username!: string;

  @ApiProperty({ type: String, format: 'password', example: 'a-long-and-unusual-passphrase' })
  @IsString()
  @Length(1, 1024)
  password!: string;

  @ApiPropertyOptional({
    type: String,
    enum: SESSION_KINDS,
    default: 'bearer',
    description:
      '`bearer` (default): the token is in the answer, for scripts and this page. `cookie`: for browsers; sets the HttpOnly `dss_admin_session` cookie and the readable `dss_csrf` cookie, and the answer carries no `accessToken`.',
  })
  @IsOptional()
  @IsIn(SESSION_KINDS)
  session?: OperatorSessionKind;
}

export class LoginResponseDto {
  @ApiProperty({ type: String, example: 'admin' })
  username!: string;

  @ApiProperty({ type: String, enum: OPERATOR_ROLES })
  role!: OperatorRole;

  @ApiProperty({
    type: Boolean,
    description: 'True: every call but POST /api/auth/password and /api/auth/logout answers 403',
  })
  mustChangePassword!: boolean;

  @ApiProperty({ type: String, enum: SESSION_KINDS })
  session!: OperatorSessionKind;

  @ApiPropertyOptional({
    type: String,
    description: 'Bearer logins only: send as `Authorization: Bearer <accessToken>`',
  })
  accessToken?: string;

  @ApiPropertyOptional({ type: String, enum: ['Bearer'], description: 'Bearer logins only' })
  tokenType?: 'Bearer';

  @ApiPropertyOptional({
    type: String,
    description:
      'Cookie logins only: the value of the `dss_csrf` cookie, to send as `X-CSRF-Token` with every write',
  })
  csrfToken?: string;

  @ApiProperty({ type: Number, description: 'Seconds until the session ends at the latest' })
  expiresIn!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ type: Number, description: 'The session ends after this many idle seconds' })
  idleTimeoutSeconds!: number;
}
