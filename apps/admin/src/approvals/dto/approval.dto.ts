import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  APPROVAL_KINDS,
  APPROVAL_STATUSES,
  type ApprovalStatus,
} from '@dss/keystore/key-approvals';
import { type KeyApprovalKind } from '@dss/persistence';
import { IsIn, IsOptional } from 'class-validator';
import { PendingDeletionDto } from '../../keys/dto/key.dto';

export class ListApprovalsQueryDto {
  @ApiPropertyOptional({
    type: String,
    enum: APPROVAL_STATUSES,
    description: '`pending` leaves out requests older than 24 h (they read as `expired`)',
  })
  @IsOptional()
  @IsIn(APPROVAL_STATUSES)
  status?: ApprovalStatus;
}

/** A dual-control request (`DSS_DUAL_CONTROL`). */
export class ApprovalDto {
  @ApiProperty({ type: String, format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, enum: APPROVAL_KINDS })
  kind!: KeyApprovalKind;

  @ApiProperty({ type: String, example: 'alice' })
  username!: string;

  @ApiProperty({ type: String, description: 'The administrator who asked', example: 'admin.a' })
  requestedBy!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  requestedAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'From then on the request reads as `expired` and cannot be approved (24 h)',
  })
  expiresAt!: string;

  @ApiProperty({ type: String, enum: APPROVAL_STATUSES })
  status!: ApprovalStatus;

  @ApiProperty({ type: String, nullable: true, description: 'Who approved or rejected it' })
  decidedBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt!: string | null;
}

export class ApprovalListDto {
  @ApiProperty({ type: [ApprovalDto] })
  items!: ApprovalDto[];
}

/** An approved request and what its action did. */
export class ApprovalOutcomeDto {
  @ApiProperty({ type: ApprovalDto })
  approval!: ApprovalDto;

  @ApiPropertyOptional({
    type: PendingDeletionDto,
    description: '`cancel_deletion`: the cancelled deletion; the key signs again',
  })
  cancelled?: PendingDeletionDto;

  @ApiPropertyOptional({
    type: Boolean,
    description: '`allow_new_key`: false when key creation was not blocked',
  })
  changed?: boolean;
}
