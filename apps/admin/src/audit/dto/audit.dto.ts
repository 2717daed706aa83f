import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuditAction } from '@dss/audit';
import { type AuditActorType } from '@dss/persistence';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/page.dto';

const ACTIONS = Object.values(AuditAction);
const ACTOR_TYPES: readonly AuditActorType[] = ['user', 'operator', 'system'];
export const MAX_EVENTS_LIMIT = 500;
export const DEFAULT_EVENTS_LIMIT = 100;
export type ExportFormat = 'ndjson' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ndjson', 'csv'];

/** Inclusive time range filter shared by the audit queries. */
export class TimeRangeQueryDto {
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Only events at or after this instant (ISO 8601)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Only events at or before this instant (ISO 8601)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class ListAuditEventsQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ type: String, enum: ACTIONS })
  @IsOptional()
  @IsIn(ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({
    type: String,
    description: 'Who did it: a username, an operator, `cli:<login>` or a system component',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  actor?: string;

  @ApiPropertyOptional({ type: String, enum: ACTOR_TYPES })
  @IsOptional()
  @IsIn(ACTOR_TYPES)
  actorType?: AuditActorType;

  @ApiPropertyOptional({
    type: String,
    description: 'What it was done to: a username, an operator or a key id',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  subject?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Cursor: the `nextCursor` of the previous page (a seq; exclusive)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_EVENTS_LIMIT,
    default: DEFAULT_EVENTS_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EVENTS_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    type: String,
    enum: ['asc', 'desc'],
    default: 'asc',
    description: '`asc`: oldest first; `desc`: newest first (the cursor then moves backwards)',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      "Include the calling operator's own `audit.read` events (recorded always, hidden by default)",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeOwnReads?: 'true' | 'false';
}

export class AuditEventDto {
  @ApiProperty({ type: 'integer', description: 'Position in the chain, from 1, without gaps' })
  seq!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  at!: string;

  @ApiProperty({ type: String, enum: ACTOR_TYPES })
  actorType!: AuditActorType;

  @ApiProperty({ type: String })
  actor!: string;

  @ApiProperty({ type: String, example: 'key.deleted' })
  action!: string;

  @ApiProperty({ type: String, nullable: true })
  subject!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What else was recorded (never secrets)',
  })
  details!: Record<string, unknown>;

  @ApiProperty({ type: String, description: 'Hash of the previous event (hex)' })
  prevHash!: string;

  @ApiProperty({
    type: String,
    description: 'SHA-256(prevHash || canonical JSON of the event), hex',
  })
  hash!: string;

  @ApiProperty({
    type: Boolean,
    description:
      'False when this row fails verification: its chain hash, its Merkle leaf, or at or after the first bad event of the latest verification',
  })
  verified!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why the row is not verified' })
  integrityProblem!: string | null;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] })
  items!: AuditEventDto[];

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Pass as `after` for the next page; null at the end',
  })
  nextCursor!: number | null;
}

export class ListKeyDeletionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: String, description: 'Only this user’s deletions' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  username?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  keyId?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Deleted at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Deleted at or before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class KeyDeletionDto {
  @ApiProperty({ type: 'integer', description: 'Seq of the `key.deleted` audit event' })
  seq!: number;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the key was deleted' })
  deletedAt!: string;

  @ApiProperty({ type: String, description: 'Whose key it was' })
  username!: string;

  @ApiProperty({ type: String, format: 'uuid' })
  keyId!: string;

  @ApiProperty({ type: String, description: 'Hex SHA-256 of the deleted public key' })
  fingerprint!: string;

  @ApiProperty({ type: String, description: 'Who deleted it (the audit actor)' })
  deletedBy!: string;

  @ApiProperty({ type: String, enum: ACTOR_TYPES })
  deletedByType!: AuditActorType;

  @ApiProperty({
    type: Boolean,
    description: 'Whether an admin allowed a new key pair after this deletion',
  })
  newKeyAllowed!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  allowedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The operator who allowed it' })
  allowedBy!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Seq of that audit event' })
  allowedSeq!: number | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: '`key_pairs.deleted_at` of the key record (null if the record is not deleted)',
  })
  recordDeletedAt!: string | null;

  @ApiProperty({
    type: Boolean,
    description:
      'The key record exists, belongs to that user and is marked deleted, as the event says',
  })
  consistent!: boolean;

  @ApiProperty({
    type: Boolean,
    description: 'False when the `key.deleted` event fails verification (see AuditEventDto)',
  })
  verified!: boolean;

  @ApiProperty({ type: String, nullable: true })
  integrityProblem!: string | null;

  @ApiProperty({
    type: Boolean,
    description: "The deletion was made by the key's owner or by an operator",
  })
  actorAuthorized!: boolean;
}

export class LastVerificationDto {
  @ApiProperty({ type: Boolean })
  valid!: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  at!: string;

  @ApiProperty({ type: String })
  by!: string;

  @ApiProperty({ type: 'integer', nullable: true })
  firstInvalidSeq!: number | null;
}

export class IntegrityStatusDto {
  @ApiProperty({
    type: LastVerificationDto,
    nullable: true,
    description: 'The latest `audit.verified` event, or null if the trail was never verified',
  })
  lastVerification!: LastVerificationDto | null;
}

export class UnrecordedDeletionDto {
  @ApiProperty({ type: String })
  username!: string;

  @ApiProperty({ type: String, format: 'uuid' })
  keyId!: string;

  @ApiProperty({ type: String })
  fingerprint!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deletedAt!: string | null;
}

export class KeyDeletionPageDto extends PageMetaDto {
  @ApiProperty({
    type: [KeyDeletionDto],
    description: 'From the audit trail (`key.deleted`), newest first',
  })
  items!: KeyDeletionDto[];

  @ApiProperty({
    type: [UnrecordedDeletionDto],
    description:
      'Key records marked deleted that have no `key.deleted` event (at most 100). Always empty unless the database was changed behind the service.',
  })
  unrecorded!: UnrecordedDeletionDto[];
}

export class LogProblemDto {
  @ApiProperty({ type: String, enum: ['database', 'file', 'given', 'tree', 'chain'] })
  source!: string;

  @ApiProperty({ type: String })
  label!: string;

  @ApiProperty({ type: 'integer', nullable: true })
  size!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  firstBadIndex!: number | null;

  @ApiProperty({ type: String })
  reason!: string;
}

export class ChainVerificationDto {
  @ApiProperty({ type: Boolean })
  valid!: boolean;

  @ApiProperty({ type: 'integer', description: 'Events that verified, in order from seq 1' })
  checkedEvents!: number;

  @ApiProperty({ type: String, description: 'Hash of the chain head the check ran up to' })
  headHash!: string;

  @ApiProperty({ type: 'integer' })
  headSeq!: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The first altered, missing or misplaced event; null when valid',
  })
  firstInvalidSeq!: number | null;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The first bad leaf of the Merkle log (event seq − 1); null when valid',
  })
  firstBadIndex!: number | null;

  @ApiProperty({
    type: 'integer',
    description: 'Signed checkpoints checked (database, checkpoint file, the one given)',
  })
  checkpointsChecked!: number;

  @ApiProperty({ type: 'integer', nullable: true })
  latestCheckpointSize!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The latest signed checkpoint (C2SP tlog-checkpoint note): save it outside',
  })
  latestCheckpoint!: string | null;

  @ApiProperty({ type: [LogProblemDto] })
  problems!: LogProblemDto[];
}

export class VerifyQueryDto {
  @ApiPropertyOptional({
    type: String,
    description:
      'One or more signed checkpoints saved earlier (the text of `GET /v1/log/checkpoint` or of the checkpoint file); the trail must be consistent with each',
  })
  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  checkpoint?: string;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ type: String, enum: EXPORT_FORMATS, default: 'ndjson' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}
