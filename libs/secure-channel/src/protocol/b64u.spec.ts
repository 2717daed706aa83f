import { b64uDecode, b64uEncode } from './b64u';
import { ascii, u16be, u64be } from './bytes';
import { CHANNEL_ERROR_STATUS, ChannelError, ChannelErrorCode } from './errors';

function expectBadEnvelope(fn: () => unknown, field: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ChannelError);
  expect((caught as ChannelError).code).toBe(ChannelErrorCode.BadEnvelope);
  expect((caught as ChannelError).status).toBe(400);
  expect((caught as ChannelError).message.startsWith(`${field}: `)).toBe(true);
}

describe('PROTOCOL §1 base64url without padding', () => {
  it('round-trips every length 0..40 and every byte value', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      const s = b64uEncode(bytes);
      expect(s).not.toMatch(/[=+/]/);
      expect(b64uDecode(s, 'f').equals(bytes)).toBe(true);
    }
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(b64uDecode(b64uEncode(all), 'f').equals(all)).toBe(true);
  });

  it('encodes a Uint8Array view without touching bytes outside it', () => {
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    expect(b64uEncode(backing.subarray(1, 4))).toBe(Buffer.from([1, 2, 3]).toString('base64url'));
  });

  it('checks the decoded length when asked', () => {
    expect(b64uDecode('AAECAwQFBgcICQoLDA0ODw', 'clientNonce', 16)).toHaveLength(16);
    expectBadEnvelope(() => b64uDecode('AAECAwQFBgcICQoLDA0O', 'clientNonce', 16), 'clientNonce');
  });

  it.each([
    ['padding', 'AAE='],
    ['double padding', 'AA=='],
    ['"+" (base64, not base64url)', 'ab+c'],
    ['"/" (base64, not base64url)', 'ab/c'],
    ['a space', 'ab c'],
    ['a newline', 'abcd\n'],
    ['leading whitespace', ' abcd'],
    ['a non-ASCII letter', 'abcé'],
    ['length % 4 == 1', 'abcde'],
    ['non-zero trailing bits (2 chars)', 'AB'],
    ['non-zero trailing bits (3 chars)', 'AAB'],
    ['a dot', 'ab.c'],
  ])('rejects %s', (_why, s) => {
    expectBadEnvelope(() => b64uDecode(s, 'payload'), 'payload');
  });

  it('accepts the canonical forms of the non-canonical examples', () => {
    expect(b64uDecode('AA', 'f').equals(Buffer.from([0]))).toBe(true);
    expect(b64uDecode('AAA', 'f').equals(Buffer.from([0, 0]))).toBe(true);
  });

  it.each([[undefined], [null], [42], [{}], [['AA']], [Buffer.from('AA')]])(
    'rejects a non-string (%p)',
    (value) => {
      expectBadEnvelope(() => b64uDecode(value, 'sessionId'), 'sessionId');
    },
  );
});

describe('PROTOCOL §1 integers and strings in byte strings', () => {
  it('u64 is 8 bytes big-endian, up to 2^53 - 1', () => {
    expect(u64be(0).toString('hex')).toBe('0000000000000000');
    expect(u64be(1).toString('hex')).toBe('0000000000000001');
    expect(u64be(2 ** 32).toString('hex')).toBe('0000000100000000');
    expect(u64be(Number.MAX_SAFE_INTEGER).toString('hex')).toBe('001fffffffffffff');
    for (const n of [-1, 1.5, 2 ** 53, NaN, Infinity]) {
      expect(() => u64be(n)).toThrow(RangeError);
    }
  });

  it('u16 is 2 bytes big-endian', () => {
    expect(u16be(404).toString('hex')).toBe('0194');
    expect(() => u16be(65536)).toThrow(RangeError);
  });

  it('ascii refuses non-ASCII', () => {
    expect(ascii('POST').toString('hex')).toBe('504f5354');
    expect(() => ascii('é')).toThrow(RangeError);
  });
});

describe('PROTOCOL §3.2 channel errors', () => {
  it('maps every code to its status', () => {
    expect(CHANNEL_ERROR_STATUS).toEqual({
      bad_envelope: 400,
      unsupported_version: 400,
      bad_public_key: 400,
      unknown_session: 401,
      session_expired: 401,
      decrypt_failed: 400,
      replayed: 409,
      payload_too_large: 413,
      rate_limited: 429,
    });
    const err = new ChannelError(ChannelErrorCode.Replayed, 'seq already accepted');
    expect(err).toBeInstanceOf(Error);
    expect(err.status).toBe(409);
    expect(err.retryAfterSeconds).toBeUndefined();
  });

  it('carries a retry hint, rounded up, and drops a nonsensical one', () => {
    expect(new ChannelError(ChannelErrorCode.RateLimited, 'slow down', 1.2).retryAfterSeconds).toBe(
      2,
    );
    expect(
      new ChannelError(ChannelErrorCode.RateLimited, 'slow down', -1).retryAfterSeconds,
    ).toBeUndefined();
  });
});
