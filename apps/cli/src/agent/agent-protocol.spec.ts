import {
  DssApiError,
  DssChannelError,
  DssNetworkError,
  DssProtocolError,
  DssServerIdentityError,
} from '@dss/client';
import { fromWireError, LineReader, toWireError } from './agent-protocol';

describe('agent protocol', () => {
  it('carries every SDK error across the socket with its class, code and details', () => {
    const errors = [
      new DssApiError(429, 'too_many_attempts', 'locked', { retryAfterSeconds: 30 }),
      new DssChannelError(409, 'replayed', 'seq already used', undefined),
      new DssChannelError(429, 'rate_limited', 'slow down', 12),
      new DssNetworkError('timeout', 'no answer'),
      new DssProtocolError('not JSON'),
      new DssServerIdentityError('a'.repeat(64), 'b'.repeat(64)),
    ];
    for (const err of errors) {
      const back = fromWireError(JSON.parse(JSON.stringify(toWireError(err))));
      expect(back).toBeInstanceOf(err.constructor);
      expect(back).toMatchObject({ code: err.code, message: err.message });
    }
    const api = fromWireError(toWireError(errors[0])) as DssApiError;
    expect(api.retryAfterSeconds).toBe(30);
    expect((fromWireError(toWireError(errors[2])) as DssChannelError).retryAfterSeconds).toBe(12);
  });

  it('an unexpected error becomes agent_error, never a stack', () => {
    const wire = toWireError(new RangeError('boom'));
    expect(wire).toEqual({ type: 'other', code: 'agent_error', message: 'boom' });
  });

  it('splits a stream into lines across chunks and bounds a runaway line', () => {
    const lines: string[] = [];
    const reader = new LineReader((l) => lines.push(l), 16);
    expect(reader.push('{"a":1}\n{"b"')).toBe(true);
    expect(reader.push(':2}\n\n')).toBe(true);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(reader.push('x'.repeat(17))).toBe(false);
  });
});
