import { IsOptional, IsString, Length } from 'class-validator';
import { type KeyInfo } from './create-keys.dto';

/** PROTOCOL.md §4 `POST /v1/keys/public`: `{}` for one's own key or `{"username"}`. */
export class GetPublicKeyDto {
  @IsOptional()
  @IsString()
  @Length(1, 128)
  username?: string;
}

export interface PublicKeyInfo extends KeyInfo {
  username: string;
}
