import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The error itself: a stable code to switch on and a message for people. */
export class ErrorDetailDto {
  @ApiProperty({ type: String, description: 'Stable error code (see each answer for its codes)' })
  code!: string;

  @ApiProperty({ type: String, description: 'What went wrong, for people' })
  message!: string;

  @ApiPropertyOptional({
    type: Number,
    description: 'With `too_many_attempts`: seconds to wait (also in the Retry-After header)',
  })
  retryAfterSeconds?: number;
}

/** The shape of every failure of the admin API. */
export class ErrorResponseDto {
  @ApiProperty({ type: ErrorDetailDto })
  error!: ErrorDetailDto;
}
