import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainError, ErrorCode } from '@dss/common';
import { renderAdminError } from './admin-error.filter';

describe('renderAdminError', () => {
  it('keeps a domain error’s code, status and retry delay', () => {
    const r = renderAdminError(
      new DomainError(ErrorCode.TooManyAttempts, 'wait', { retryAfterSeconds: 7 }),
    );
    expect(r).toEqual({
      status: 429,
      body: { error: { code: 'too_many_attempts', message: 'wait', retryAfterSeconds: 7 } },
      retryAfterSeconds: 7,
      unexpected: false,
    });
  });

  it('gives framework errors stable codes', () => {
    expect(renderAdminError(new NotFoundException('Cannot GET /x')).body).toEqual({
      error: { code: 'not_found', message: 'no such route' },
    });
    expect(renderAdminError(new PayloadTooLargeException()).body.error.code).toBe(
      'payload_too_large',
    );
  });

  it('never leaks an unexpected error', () => {
    const r = renderAdminError(new Error('SELECT secret FROM somewhere failed'));
    expect(r).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'internal error' } },
      unexpected: true,
    });
  });
});
