import {
  ApiError,
  describeError,
  errorFromResponse,
  isSessionExpired,
  NetworkError,
  SESSION_EXPIRED_MESSAGE,
} from './errors';

describe('describeError: every API failure in words', () => {
  it.each([
    ['not_authenticated', 401, SESSION_EXPIRED_MESSAGE],
    ['invalid_credentials', 401, 'The username or password is not correct.'],
    ['forbidden', 403, 'Your role does not allow this action.'],
    ['password_change_required', 403, 'You must choose a new password before you continue.'],
    ['csrf_failed', 403, 'The request could not be verified. Reload the page and try again.'],
  ])('%s', (code, status, words) => {
    expect(describeError(new ApiError(status, code, 'server words'))).toBe(words);
  });

  it('uses the server message, as a sentence, for validation and policy errors', () => {
    expect(
      describeError(
        new ApiError(400, 'invalid_username', 'usernames are 3–64 characters of a-z 0-9 . _ -'),
      ),
    ).toBe('Usernames are 3–64 characters of a-z 0-9 . _ -.');
    expect(describeError(new ApiError(409, 'user_exists', 'the user exists.'))).toBe(
      'The user exists.',
    );
    expect(describeError(new ApiError(422, 'weak_password', 'too common'))).toBe('Too common.');
    expect(describeError(new ApiError(404, 'not_found', ''))).toBe('The request failed.');
  });

  it('says how long to wait after too many attempts', () => {
    expect(describeError(new ApiError(429, 'too_many_attempts', 'locked', 1))).toBe(
      'Too many login attempts. Try again in 1 second.',
    );
    expect(describeError(new ApiError(429, 'too_many_attempts', 'locked', 45))).toBe(
      'Too many login attempts. Try again in 45 seconds.',
    );
    expect(describeError(new ApiError(429, 'too_many_attempts', 'locked', 61))).toBe(
      'Too many login attempts. Try again in 2 minutes.',
    );
    expect(describeError(new ApiError(429, 'too_many_attempts', 'locked'))).toBe(
      'Too many login attempts. Try again later.',
    );
  });

  it('describes an unreachable server, an unexpected answer and anything else', () => {
    expect(describeError(new NetworkError())).toMatch(/cannot be reached/);
    expect(describeError(errorFromResponse(502, undefined))).toBe(
      'The server gave an unexpected answer (HTTP 502). Try again later.',
    );
    expect(describeError(new TypeError('x is undefined'))).toBe(
      'Something went wrong. Reload the page and try again.',
    );
  });

  it('never shows a raw body, even one with a message-like field', () => {
    const weird = errorFromResponse(500, { message: '{"stack":"at line 1"}', statusCode: 500 });
    expect(weird.code).toBe('unexpected_response');
    expect(describeError(weird)).not.toMatch(/[{}"]/);
  });
});

describe('errorFromResponse', () => {
  it('reads {error:{code,message,retryAfterSeconds}}', () => {
    const err = errorFromResponse(429, {
      error: { code: 'too_many_attempts', message: 'wait', retryAfterSeconds: 30 },
    });
    expect(err).toMatchObject({ status: 429, code: 'too_many_attempts', retryAfterSeconds: 30 });
  });

  it('falls back to the Retry-After header, and to a code from the status', () => {
    expect(errorFromResponse(429, undefined, '12')).toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 12,
    });
    expect(errorFromResponse(401, '<html>')).toMatchObject({ code: 'not_authenticated' });
    expect(errorFromResponse(403, null)).toMatchObject({ code: 'forbidden' });
    expect(errorFromResponse(503, undefined)).toMatchObject({ code: 'unavailable' });
  });

  it('marks any 401 as an ended session', () => {
    expect(isSessionExpired(errorFromResponse(401, undefined))).toBe(true);
    expect(isSessionExpired(errorFromResponse(403, undefined))).toBe(false);
    expect(isSessionExpired(new Error('x'))).toBe(false);
  });
});
