import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OPERATOR_ROLES, type OperatorStatus, USER_STATUSES } from '@dss/accounts';
import { type OperatorRole } from '@dss/persistence';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/page.dto';

export class CreateOperatorDto {
  @ApiProperty({
    type: String,
    example: 'audrey',
    description: '3–64 characters of a-z 0-9 . _ - (stored in lower case)',
  })
  @IsString()
  @Length(1, 128)
  username!: string;

  @ApiProperty({ type: String, enum: OPERATOR_ROLES })
  @IsIn(OPERATOR_ROLES)
  role!: OperatorRole;
}

export class ListOperatorsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: String, enum: OPERATOR_ROLES })
  @IsOptional()
  @IsIn(OPERATOR_ROLES)
  role?: OperatorRole;
}

export class OperatorDto {
  @ApiProperty({ type: String, example: 'audrey' })
  username!: string;

  @ApiProperty({ type: String, enum: OPERATOR_ROLES })
  role!: OperatorRole;

  @ApiProperty({ type: String, enum: USER_STATUSES })
  status!: OperatorStatus;

  @ApiProperty({ type: Boolean })
  mustChangePassword!: boolean;

  @ApiProperty({ type: 'integer', description: 'Consecutive failed logins' })
  failedLogins!: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'End of the current lockout, else null',
  })
  lockedUntil!: string | null;

  @ApiProperty({ type: Boolean })
  disabled!: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastLoginAt!: string | null;
}

export class OperatorPageDto extends PageMetaDto {
  @ApiProperty({ type: [OperatorDto] })
  items!: OperatorDto[];
}

export class OperatorCredentialDto {
  @ApiProperty({ type: String, example: 'audrey' })
  username!: string;

  @ApiProperty({ type: String, enum: OPERATOR_ROLES })
  role!: OperatorRole;

  @ApiProperty({
    type: String,
    example: '7K2M-Q9XD-4JTR-W8PB-3HNVC-6YFGA',
    description:
      'One-time password (130 random bits), shown only in this answer; the operator must change it at first login',
  })
  temporaryPassword!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'When the one-time password stops working (`DSS_TEMP_PASSWORD_TTL_HOURS`)',
  })
  temporaryPasswordExpiresAt!: string;
}

export class OperatorChangeDto {
  @ApiProperty({ type: Boolean, description: 'False when it already was so' })
  changed!: boolean;

  @ApiProperty({ type: 'integer', description: 'Sessions of the operator this change ended' })
  revokedSessions!: number;

  @ApiProperty({ type: OperatorDto })
  operator!: OperatorDto;
}
