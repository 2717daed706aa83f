import { IsString, Length } from 'class-validator';

/** PROTOCOL.md §4 `POST /v1/auth/password`. Policy checks (length, lists) happen in the service. */
export class ChangePasswordDto {
  @IsString()
  @Length(1, 1024)
  currentPassword!: string;

  @IsString()
  @Length(1, 1024)
  newPassword!: string;
}
