import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  422: 'Unprocessable',
  429: 'Too many attempts',
};

/**
 * Documents error answers, `{error: {code, message}}`, with the codes each status can carry:
 * `@ApiErrors({ 404: ['not_found'] })`.
 */
export function ApiErrors(errors: Readonly<Record<number, readonly string[]>>): MethodDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, codes]) =>
      ApiResponse({
        status: Number(status),
        description: `${TITLES[Number(status)] ?? 'Error'}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
        type: ErrorResponseDto,
      }),
    ),
  );
}
