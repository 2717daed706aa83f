import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The error itself: a stable code to switch on and a message for people. */
export class ErrorDetailDto {
  @ApiProperty({ type: String, example: 'not_authenticated', description: 'Stable error code' })
  code!: string;

  @ApiProperty({ type: String, example: 'log in first' })
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
