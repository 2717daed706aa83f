import { OptionalField } from '@dss/common';
import { IsISO8601, IsString, IsUUID, Length } from 'class-validator';
import { type KeyInfo } from './create-keys.dto';

/**
 * PROTOCOL.md §4 `POST /v1/keys/public`: `{}` for one's own key or `{"username"}`; with the key
 * lifecycle also `keyId` (any key the user ever had) or `at` (the key that was active at that
 * ISO 8601 time), at most one of the two (docs/SIGNATURES.md, "Key lifecycle").
 */
export class GetPublicKeyDto {
  @OptionalField()
  @IsString()
  @Length(1, 128)
  username?: string;

  @OptionalField()
  @IsUUID('all', { message: 'keyId must be a key id (UUID)' })
  keyId?: string;

  @OptionalField()
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 time' })
  @Length(1, 64)
  at?: string;
}

export interface PublicKeyInfo extends KeyInfo {
  username: string;
}
