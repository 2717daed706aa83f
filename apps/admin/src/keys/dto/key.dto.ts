import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/page.dto';

/**
 * `active` signs; `retired` was replaced by a rotation (public key and certificate kept);
 * `pending_deletion` was deleted with a grace period and is destroyed at `deletionDueAt`
 * unless cancelled; `deleted` is destroyed.
 */
export type KeyPairStatus = 'active' | 'retired' | 'pending_deletion' | 'deleted';
export const KEY_PAIR_STATUSES: readonly KeyPairStatus[] = [
  'active',
  'retired',
  'pending_deletion',
  'deleted',
];

export class ListKeysQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: String, description: 'Only this user’s key pairs' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  username?: string;

  @ApiPropertyOptional({ type: String, enum: KEY_PAIR_STATUSES })
  @IsOptional()
  @IsIn(KEY_PAIR_STATUSES)
  status?: KeyPairStatus;

  @ApiPropertyOptional({
    type: String,
    description: 'Hex SHA-256 fingerprint of the public key, or a prefix of it (at least 4)',
  })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{4,64}$/, { message: 'fingerprint must be 4 to 64 hex characters' })
  fingerprint?: string;
}

/** The X.509 certificate the DSS CA issued for a key pair (RFC 5280), as the inventory shows it. */
export class KeyCertificateDto {
  @ApiProperty({ type: String, description: 'Serial number, lowercase hex (128 random bits)' })
  serial!: string;

  @ApiProperty({ type: String, example: 'O=Example Org, CN=Alice Martin' })
  subject!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  notBefore!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  notAfter!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the certificate was revoked (on the CRL from then on); null while valid',
  })
  revokedAt!: string | null;
}

export class KeyDto {
  @ApiProperty({ type: String, example: 'alice' })
  username!: string;

  @ApiProperty({ type: String, format: 'uuid' })
  keyId!: string;

  @ApiProperty({ type: String, example: 'ecdsa-p256' })
  algorithm!: string;

  @ApiProperty({
    type: String,
    description: 'Hex SHA-256 of the public key (kept after deletion)',
  })
  fingerprint!: string;

  @ApiProperty({ type: String, enum: KEY_PAIR_STATUSES })
  status!: KeyPairStatus;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the key pair was deleted (for a pending deletion: when it was requested)',
  })
  deletedAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a rotation retired the key pair; null otherwise',
  })
  retiredAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When a pending deletion destroys the key pair (DSS_KEY_DELETION_GRACE); null otherwise',
  })
  deletionDueAt!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Id of the master key wrapping the private key; null once deleted',
  })
  kekId!: string | null;

  @ApiProperty({
    type: KeyCertificateDto,
    nullable: true,
    description: 'The key pair’s certificate; null for key pairs made before the DSS CA',
  })
  certificate!: KeyCertificateDto | null;
}

export class KeyPageDto extends PageMetaDto {
  @ApiProperty({ type: [KeyDto] })
  items!: KeyDto[];
}

/** A key deletion waiting out the grace period (`DSS_KEY_DELETION_GRACE`). */
export class PendingDeletionDto {
  @ApiProperty({ type: String, example: 'alice' })
  username!: string;

  @ApiProperty({ type: String, format: 'uuid' })
  keyId!: string;

  @ApiProperty({ type: String })
  fingerprint!: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'When DeleteKeys was called' })
  requestedAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'When the key material is destroyed unless cancelled',
  })
  dueAt!: string;
}

export class PendingDeletionListDto {
  @ApiProperty({ type: [PendingDeletionDto] })
  items!: PendingDeletionDto[];
}
