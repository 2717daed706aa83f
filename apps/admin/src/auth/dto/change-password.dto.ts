import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty({ type: String, format: 'password' })
  @IsString()
  @Length(1, 1024)
  currentPassword!: string;

  @ApiProperty({
    type: String,
    format: 'password',
    description:
      '12–128 characters; not the username, the current or one-time password, nor a common password',
  })
  @IsString()
  @Length(1, 1024)
  newPassword!: string;
}

export class ChangePasswordResponseDto {
  @ApiProperty({ type: Boolean, example: true })
  changed!: true;

  @ApiProperty({
    type: Number,
    description: 'Sessions ended by the change, this one included: log in again',
  })
  revokedSessions!: number;
}
