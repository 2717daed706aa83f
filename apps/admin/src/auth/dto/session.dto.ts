import { ApiProperty } from '@nestjs/swagger';
import { OPERATOR_ROLES } from '@dss/accounts';
import { type OperatorRole, type OperatorSessionKind } from '@dss/persistence';

export class LogoutResponseDto {
  @ApiProperty({ type: Boolean, example: true })
  loggedOut!: true;
}

export class CurrentOperatorDto {
  @ApiProperty({ type: String, example: 'admin' })
  username!: string;

  @ApiProperty({ type: String, enum: OPERATOR_ROLES })
  role!: OperatorRole;

  @ApiProperty({ type: String, enum: ['bearer', 'cookie'] })
  session!: OperatorSessionKind;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'End of the session at the latest',
  })
  expiresAt!: string;
}

export class SignInStatusDto {
  @ApiProperty({
    type: Boolean,
    example: true,
    description:
      'True while the first-start `admin` has never signed in with its bootstrap password (the sign-in page then says where that password is)',
  })
  bootstrapAdminPending!: boolean;
}
