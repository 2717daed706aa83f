import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable',
  429: 'Too many attempts',
  503: 'Unavailable',
};

/** An example message for each code, as the API words it (shown in Swagger UI). */
const EXAMPLES: Readonly<Record<string, { message: string; retryAfterSeconds?: number }>> = {
  invalid_request: { message: 'username must be a string' },
  invalid_username: { message: 'a username is 3 to 64 of a-z, 0-9, ".", "_" and "-"' },
  invalid_credentials: { message: 'wrong username or password' },
  not_authenticated: { message: 'log in first' },
  forbidden: { message: 'this needs the admin role' },
  password_change_required: { message: 'change your one-time password first' },
  csrf_failed: { message: 'missing or wrong X-CSRF-Token header' },
  not_found: { message: 'no such user' },
  conflict: { message: 'the last enabled admin cannot be disabled' },
  self_approval: { message: 'a second administrator must approve: you asked for this yourself' },
  not_pending: { message: 'the approval request is approved' },
  user_exists: { message: 'a user with this name exists' },
  weak_password: { message: 'the password is too common' },
  too_many_attempts: { message: 'too many failed logins; try again later', retryAfterSeconds: 60 },
  unavailable: { message: 'the database is unavailable; try again shortly' },
};

/**
 * The metadata key under which @nestjs/swagger keeps a handler's documented answers
 * (`API_RESPONSE_METADATA`, not exported by the package). The OpenAPI drift test and
 * api-errors.decorator.spec.ts fail if it ever moves.
 */
const API_RESPONSE_METADATA = 'swagger/apiResponse';

/** Per handler: the codes documented so far for each status (decorators stack, and merge). */
const CODES = Symbol('dss:api-error-codes');
type Codes = Record<number, string[]>;

/**
 * Documents error answers, `{error: {code, message}}`, with the codes each status can carry and
 * an example body for each code: `@ApiErrors({ 404: ['not_found'] })`. Several `@ApiErrors` on
 * one route (e.g. the 401 of `@Roles` and a route's own 401) merge their codes.
 */
export function ApiErrors(errors: Readonly<Record<number, readonly string[]>>): MethodDecorator {
  return (target, key, descriptor) => {
    const handler = descriptor.value as object;
    const merged: Codes = { ...((Reflect.getMetadata(CODES, handler) as Codes | undefined) ?? {}) };
    for (const [status, codes] of Object.entries(errors)) {
      merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...codes])];
    }
    Reflect.defineMetadata(CODES, merged, handler);
    ApiExtraModels(ErrorResponseDto)(target, key, descriptor);
    // @nestjs/swagger concatenates the descriptions of repeated answers for one status; this
    // decorator re-documents the merged codes instead, so it drops its own earlier entries first.
    const responses = Reflect.getMetadata(API_RESPONSE_METADATA, handler) as
      Record<string, unknown> | undefined;
    if (responses) {
      const kept = { ...responses };
      for (const status of Object.keys(merged)) delete kept[status];
      Reflect.defineMetadata(API_RESPONSE_METADATA, kept, handler);
    }
    for (const [status, codes] of Object.entries(merged)) {
      ApiResponse({
        status: Number(status),
        description: `${TITLES[Number(status)] ?? 'Error'}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorResponseDto) },
            examples: Object.fromEntries(
              codes.map((code) => [
                code,
                {
                  summary: code,
                  value: { error: { code, ...(EXAMPLES[code] ?? { message: code }) } },
                },
              ]),
            ),
          },
        },
      })(target, key, descriptor);
    }
  };
}
