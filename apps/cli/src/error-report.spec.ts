import {
  DssApiError,
  DssChannelError,
  DssNetworkError,
  DssProtocolError,
  DssServerIdentityError,
} from '@dss/client';
import { CliError, usageError } from './cli-error';
import { reportOf } from './error-report';
import { ExitCode } from './exit-codes';

describe('reportOf: the documented exit codes (README, "Output, errors and exit codes")', () => {
  it.each([
    ['invalid_credentials', 401, ExitCode.Auth],
    ['too_many_attempts', 429, ExitCode.Auth],
    ['weak_password', 422, ExitCode.Auth],
    ['not_authenticated', 401, ExitCode.Auth],
    ['no_key', 404, ExitCode.NotFound],
    ['key_exists', 409, ExitCode.Conflict],
    ['key_deleted', 409, ExitCode.Conflict],
    ['internal_error', 500, ExitCode.Server],
    ['something_new', 418, ExitCode.Server],
  ])('server code %s (HTTP %i) → exit %i', (code, status, exit) => {
    expect(reportOf(new DssApiError(status, code, 'm')).exitCode).toBe(exit);
  });

  it('network, protocol and channel errors → 6, with a message naming the server', () => {
    const url = 'http://dss.test';
    const down = reportOf(
      new DssNetworkError('unreachable', `cannot reach ${url}: ECONNREFUSED`),
      url,
    );
    expect(down).toMatchObject({ exitCode: 6, code: 'network_unreachable' });
    expect(down.message).toBe(
      `cannot reach the DSS server at ${url}: connection refused (is the URL right and the server running?)`,
    );
    expect(reportOf(new DssNetworkError('timeout', 'slow'), url).message).toMatch(
      /did not answer in time/,
    );
    expect(
      reportOf(new DssProtocolError('not a DSS server answer (HTTP 200, body is not JSON)'), url)
        .message,
    ).toBe(
      `the server at ${url} did not answer as a DSS server (HTTP 200, body is not JSON); check the server URL`,
    );
    expect(reportOf(new DssChannelError(429, 'rate_limited', 'slow down', 7))).toMatchObject({
      exitCode: 6,
      message: 'the server is busy (rate limited): try again in 7 s',
      details: { retryAfterSeconds: 7 },
    });
  });

  it('a refused server → 7, with both fingerprints on their own lines and in the JSON details', () => {
    const report = reportOf(new DssServerIdentityError('a'.repeat(64), 'b'.repeat(64)), 'http://x');
    expect(report.exitCode).toBe(7);
    expect(report.message).toMatch(/^REFUSED: the server at http:\/\/x is not the DSS server/);
    expect(report.more).toEqual([
      `  expected (pinned) fingerprint: ${'a'.repeat(64)}`,
      `  presented fingerprint:         ${'b'.repeat(64)}`,
    ]);
    expect(report.details).toEqual({
      expectedFingerprint: 'a'.repeat(64),
      presentedFingerprint: 'b'.repeat(64),
    });
  });

  it('CLI errors keep their code; anything else is a failure (1), never a stack trace', () => {
    expect(reportOf(usageError('bad'))).toMatchObject({
      code: 'usage',
      exitCode: 2,
      message: 'bad',
    });
    expect(reportOf(new CliError('x', 'y', ExitCode.NotFound)).exitCode).toBe(4);
    const odd = reportOf(new Error('boom'));
    expect(odd).toMatchObject({ exitCode: 1, message: 'unexpected failure: boom' });
  });
});
