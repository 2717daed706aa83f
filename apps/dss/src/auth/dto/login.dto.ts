import { IsString, Length } from 'class-validator';

/** PROTOCOL.md §4 `POST /v1/auth/login`. */
export class LoginDto {
  @IsString()
  @Length(1, 128)
  username!: string;

  @IsString()
  @Length(1, 1024)
  password!: string;
}

export interface LoginResponse {
  username: string;
  mustChangePassword: boolean;
}
