import { HttpException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type ErrorBody, ErrorCode } from './errors';
import { asUnavailable } from './unavailable';

/** A thrown value rendered for the wire. */
export interface RenderedError {
  status: number;
  body: ErrorBody;
  /** Seconds for a `Retry-After` header. */
  retryAfterSeconds?: number;
  /** Nobody planned for it: logged (see `createLogger`), answered with a bare 500. */
  unexpected: boolean;
}

/** Where the two APIs name framework errors differently (PROTOCOL.md §3.2 fixes the employee API's). */
export interface HttpErrorCodes {
  /** Code of a framework 429. */
  tooManyRequests: ErrorCode;
  /** Code of a framework 4xx without a code of its own. */
  other: ErrorCode;
}

/** The admin API's choice: a 429 reads as the login lockout's code. */
export const ADMIN_HTTP_CODES: HttpErrorCodes = {
  tooManyRequests: ErrorCode.TooManyAttempts,
  other: ErrorCode.InvalidRequest,
};

/** Codes of the framework's own 4xx answers (unknown route, wrong method, oversized body…). */
const FRAMEWORK_CODES: Readonly<Record<number, ErrorCode>> = {
  400: ErrorCode.InvalidRequest,
  401: ErrorCode.NotAuthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
};

function frameworkCode(status: number, codes: HttpErrorCodes): ErrorCode {
  if (status === 429) return codes.tooManyRequests;
  return FRAMEWORK_CODES[status] ?? codes.other;
}

/**
 * The one mapping of both apps from anything thrown to `{error: {code, message}}` (STYLE.md §6):
 * domain errors keep their code and status, framework HTTP errors (and body-parser errors, which
 * carry a 4xx `status`) get a stable code, and everything else is a 500 `internal_error` whose
 * details stay in the log.
 */
export function renderHttpError(
  thrown: unknown,
  codes: HttpErrorCodes = ADMIN_HTTP_CODES,
): RenderedError {
  // A dependency that is down is an answer, 503 `unavailable`, never a 500 (DESIGN.md §9).
  const err = asUnavailable(thrown) ?? thrown;
  if (err instanceof DomainError) {
    const retry = err.details.retryAfterSeconds;
    return {
      status: err.status,
      body: err.toBody(),
      retryAfterSeconds: typeof retry === 'number' ? retry : undefined,
      unexpected: false,
    };
  }
  if (err instanceof HttpException && err.getStatus() >= 400 && err.getStatus() < 500) {
    const status = err.getStatus();
    const message = status === 404 ? 'no such route' : err.message;
    return {
      status,
      body: { error: { code: frameworkCode(status, codes), message } },
      unexpected: false,
    };
  }
  const parserStatus = bodyReadStatus(err);
  if (parserStatus !== undefined) {
    return {
      status: parserStatus,
      body: {
        error: {
          code: frameworkCode(parserStatus, codes),
          message: parserMessage(parserStatus),
        },
      },
      unexpected: false,
    };
  }
  return {
    status: 500,
    body: { error: { code: ErrorCode.InternalError, message: 'internal error' } },
    unexpected: true,
  };
}

/**
 * The 4xx status of an error raised while reading a body (`body-parser`, `raw-body`: an
 * `http-errors` error with `expose: true`), e.g. a `Content-Encoding: gzip` body that is not gzip
 * (400, which carries no `type`) or an encoding it does not know (415). Undefined for anything else.
 */
export function bodyReadStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || err instanceof HttpException) return undefined;
  const { status, expose } = err as { status?: unknown; expose?: unknown };
  if (expose !== true) return undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

const PARSER_MESSAGES: Readonly<Record<number, string>> = {
  413: 'request body too large',
  415: 'unsupported content encoding or type',
};

function parserMessage(status: number): string {
  return PARSER_MESSAGES[status] ?? 'the request body could not be read';
}

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? m.replace(e.property, path) : `${path}: ${m}`,
    );
    return [...own, ...describe(e.children ?? [], path)];
  });
}

/** Field names that would reach an object's prototype machinery: refused like any unknown field. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** The first prototype key among the own keys of `value` (at any depth), with its path. */
export function findPrototypeKey(value: unknown, parent = '', depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const key of Object.keys(value)) {
    const path = parent ? `${parent}.${key}` : key;
    if (PROTOTYPE_KEYS.includes(key)) return path;
    const inner = findPrototypeKey((value as Record<string, unknown>)[key], path, depth + 1);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/**
 * STYLE.md §5: whitelist, refuse unknown fields, transform; failures are `invalid_request`.
 * class-validator skips `__proto__`, `constructor` and `prototype` when it looks for unknown
 * fields, so they are refused here first, like any other unknown field.
 */
export function createValidationPipe(): ValidationPipe {
  return new PrototypeSafeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new DomainError(ErrorCode.InvalidRequest, describe(errors).join('; ') || 'invalid request'),
  });
}

class PrototypeSafeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: Parameters<ValidationPipe['transform']>[1]) {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const key = findPrototypeKey(value);
      if (key !== undefined) {
        throw new DomainError(ErrorCode.InvalidRequest, `property ${key} should not exist`);
      }
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
