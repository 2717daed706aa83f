import { ApiProperty } from '@nestjs/swagger';

/** Accounts per derived status (as in `GET /api/users?status=`). */
export class UsersByStatusDto {
  @ApiProperty({ type: 'integer', example: 42 })
  active!: number;

  @ApiProperty({ type: 'integer', example: 3 })
  must_change_password!: number;

  @ApiProperty({ type: 'integer', example: 0 })
  locked!: number;

  @ApiProperty({ type: 'integer', example: 1 })
  disabled!: number;
}

/** Signatures issued on one UTC day. */
export class DayCountDto {
  @ApiProperty({ type: String, example: '2026-05-04', description: 'UTC day, YYYY-MM-DD' })
  day!: string;

  @ApiProperty({ type: 'integer', example: 17 })
  count!: number;
}

/** The dashboard's overview: counts from the accounts, key pairs and the audit trail. */
export class OverviewDto {
  @ApiProperty({ type: UsersByStatusDto })
  usersByStatus!: UsersByStatusDto;

  @ApiProperty({ type: 'integer', description: 'Key pairs not deleted', example: 40 })
  activeKeys!: number;

  @ApiProperty({
    type: 'integer',
    description: '`signature.issued` events in the last 24 hours',
    example: 120,
  })
  signaturesLast24h!: number;

  @ApiProperty({ type: 'integer', description: '`key.deleted` events in the last 30 days' })
  deletionsLast30d!: number;

  @ApiProperty({
    type: [DayCountDto],
    description: 'Signatures per UTC day for the last 14 days, oldest first, today last',
  })
  signaturesPerDay!: DayCountDto[];
}
