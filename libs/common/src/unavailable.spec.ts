import { DomainError, ErrorCode } from './errors';
import { asUnavailable, DependencyUnavailableError } from './unavailable';

describe('asUnavailable (DESIGN.md §9: a dependency down is a 503, never a 500)', () => {
  it('keeps a DependencyUnavailableError: 503 unavailable with a Retry-After hint', () => {
    const err = new DependencyUnavailableError('redis');
    expect(asUnavailable(err)).toBe(err);
    expect(err.status).toBe(503);
    expect(err.toBody()).toEqual({
      error: {
        code: 'unavailable',
        message: 'the redis is not reachable; retry later',
        retryAfterSeconds: 5,
      },
    });
  });

  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'PROTOCOL_CONNECTION_LOST',
    'PROTOCOL_SEQUENCE_TIMEOUT',
    'ER_SERVER_SHUTDOWN',
    'ER_LOCK_DEADLOCK',
    'ER_LOCK_WAIT_TIMEOUT',
  ])('recognises a driver error %s, raw or inside a QueryFailedError', (code) => {
    const raw = Object.assign(new Error('x'), { code });
    expect(asUnavailable(raw)?.dependency).toBe('database');
    expect(asUnavailable({ message: 'q', driverError: raw })?.dependency).toBe('database');
  });

  it('recognises a pool error known only by its message', () => {
    expect(asUnavailable(new Error('Error: connect ECONNREFUSED 127.0.0.1:3306'))).toBeDefined();
    expect(asUnavailable(new Error('Pool is closed.'))).toBeDefined();
  });

  it('leaves statement errors, domain errors and other values alone', () => {
    expect(
      asUnavailable(Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY' })),
    ).toBeUndefined();
    expect(asUnavailable(new DomainError(ErrorCode.NoKey, 'no key'))).toBeUndefined();
    expect(asUnavailable(new Error('boom'))).toBeUndefined();
    expect(asUnavailable(undefined)).toBeUndefined();
    expect(asUnavailable('ECONNREFUSED')).toBeUndefined();
  });
});
