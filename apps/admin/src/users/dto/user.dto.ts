import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { USER_STATUSES, type UserStatus } from '@dss/accounts';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/page.dto';

/** Key state of a user: no pair, an active pair, or the pair deleted and a new one blocked. */
export type KeyStatus = 'none' | 'active' | 'deleted';
export const KEY_STATUSES: readonly KeyStatus[] = ['none', 'active', 'deleted'];

export class RegisterUserDto {
  @ApiProperty({
    type: String,
    example: 'alice',
    description: '3–64 characters of a-z 0-9 . _ - (stored in lower case)',
  })
  @IsString()
  @Length(1, 128)
  username!: string;

  @ApiPropertyOptional({
    type: String,
    example: 'Alice Martin',
    description: "Full name: the CN of the user's certificates (else the username)",
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  fullName?: string;

  @ApiPropertyOptional({
    type: String,
    example: 'alice@example.org',
    description: "E-mail address in the subjectAltName of the user's certificates",
  })
  @IsOptional()
  @IsString()
  @Length(3, 254)
  email?: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: String, description: 'Part of the username (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  search?: string;

  @ApiPropertyOptional({ type: String, enum: USER_STATUSES })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: UserStatus;
}

export class TemporaryPasswordDto {
  @ApiProperty({ type: String, example: 'alice' })
  username!: string;

  @ApiProperty({
    type: String,
    example: '7K2M-Q9XD-4JTR-W8PB-3HNVC-6YFGA',
    description:
      'One-time password (130 random bits), shown only in this answer; give it to the user over a trusted channel',
  })
  temporaryPassword!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  temporaryPasswordExpiresAt!: string;
}

export class UserDto {
  @ApiProperty({ type: String, example: 'alice' })
  username!: string;

  @ApiProperty({
    type: String,
    enum: USER_STATUSES,
    description: 'In order of precedence: disabled, locked, must_change_password, active',
  })
  status!: UserStatus;

  @ApiProperty({ type: Boolean })
  mustChangePassword!: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Expiry of the temporary password while the user still holds it',
  })
  temporaryPasswordExpiresAt!: string | null;

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

  @ApiProperty({
    type: Boolean,
    description: 'True after DeleteKeys until an admin allows a new key pair',
  })
  keyCreationBlocked!: boolean;

  @ApiProperty({
    type: String,
    enum: KEY_STATUSES,
    description: '`deleted`: the pair was deleted and a new one is blocked',
  })
  keyStatus!: KeyStatus;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: string;
}

export class ActiveKeyDto {
  @ApiProperty({ type: String, format: 'uuid' })
  keyId!: string;

  @ApiProperty({ type: String, example: 'ecdsa-p256' })
  algorithm!: string;

  @ApiProperty({ type: String, description: 'Hex SHA-256 of the public key' })
  fingerprint!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;
}

export class UserDetailDto extends UserDto {
  @ApiProperty({ type: ActiveKeyDto, nullable: true })
  activeKey!: ActiveKeyDto | null;

  @ApiProperty({ type: 'integer', description: 'Key pairs the user deleted so far' })
  deletedKeys!: number;
}

export class UserPageDto extends PageMetaDto {
  @ApiProperty({ type: [UserDto] })
  items!: UserDto[];
}

export class UserChangeDto {
  @ApiProperty({ type: Boolean, description: 'False when it already was so' })
  changed!: boolean;

  @ApiProperty({ type: UserDetailDto })
  user!: UserDetailDto;
}
