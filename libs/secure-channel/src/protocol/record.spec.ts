import { randomBytes } from 'node:crypto';
import { b64uEncode } from './b64u';
import { ChannelError, ChannelErrorCode } from './errors';
import type { SessionKeys } from './handshake';
import {
  MAX_SEQ,
  aadRequest,
  aadResponse,
  gcmOpen,
  gcmSeal,
  nonceFor,
  openResponse,
  parseSealedRequest,
  sealRequest,
  sealResponse,
} from './record';

const keys: SessionKeys = {
  k_c2s: randomBytes(32),
  k_s2c: randomBytes(32),
  iv_c2s: randomBytes(12),
  iv_s2c: randomBytes(12),
};
const sessionId = randomBytes(16);
const valid = (): Record<string, unknown> => ({
  sessionId: b64uEncode(sessionId),
  seq: 1,
  payload: b64uEncode(randomBytes(40)),
});

function badEnvelope(body: unknown): string {
  try {
    parseSealedRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).code).toBe(ChannelErrorCode.BadEnvelope);
    return (err as ChannelError).message;
  }
  throw new Error('expected bad_envelope');
}

describe('§3 records: envelope validation', () => {
  it('accepts seq 1 and seq 2^53 - 1, and a 16-byte (empty plaintext) payload', () => {
    expect(parseSealedRequest(valid()).seq).toBe(1);
    expect(parseSealedRequest({ ...valid(), seq: MAX_SEQ }).seq).toBe(2 ** 53 - 1);
    const p = parseSealedRequest({ ...valid(), payload: b64uEncode(randomBytes(16)) });
    expect(p.payload).toHaveLength(16);
  });

  it.each([
    [0],
    [-1],
    [1.5],
    [2 ** 53],
    [2 ** 64],
    [NaN],
    [Infinity],
    ['1'],
    [null],
    [true],
    [[1]],
  ])('rejects seq %p naming the field', (seq) => {
    expect(badEnvelope({ ...valid(), seq })).toMatch(/^seq: /);
  });

  it.each(['sessionId', 'seq', 'payload'])('rejects a missing %s', (field) => {
    const body = valid();
    delete body[field];
    expect(badEnvelope(body)).toMatch(new RegExp(`^${field}: `));
  });

  it('rejects extra fields, naming them', () => {
    expect(badEnvelope({ ...valid(), status: 200 })).toBe('status: unknown field');
  });

  it.each([[null], [[]], [[valid()]], ['{}'], [1], [undefined]])('rejects body %p', (body) => {
    expect(badEnvelope(body)).toMatch(/^body: /);
  });

  it('rejects a sessionId of the wrong length and a payload shorter than the tag', () => {
    expect(badEnvelope({ ...valid(), sessionId: b64uEncode(randomBytes(15)) })).toMatch(
      /^sessionId: /,
    );
    expect(badEnvelope({ ...valid(), sessionId: b64uEncode(randomBytes(17)) })).toMatch(
      /^sessionId: /,
    );
    expect(badEnvelope({ ...valid(), payload: b64uEncode(randomBytes(15)) })).toMatch(/^payload: /);
    expect(badEnvelope({ ...valid(), payload: 'AAAA+AAA' })).toMatch(/^payload: /);
  });
});

describe('§3 records: AES-256-GCM', () => {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const aad = aadRequest(sessionId, 3, 'POST', '/v1/keys');
  const plaintext = Buffer.from('{"algorithm":"ecdsa-p256"}');
  const sealed = gcmSeal(key, nonce, plaintext, aad);

  it('appends a 16-byte tag', () => {
    expect(sealed).toHaveLength(plaintext.length + 16);
    expect(gcmOpen(key, nonce, sealed, aad)?.equals(plaintext)).toBe(true);
  });

  it('returns null on a flipped bit in the ciphertext or in the tag', () => {
    for (const index of [0, plaintext.length - 1, plaintext.length, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[index] ^= 0x01;
      expect(gcmOpen(key, nonce, tampered, aad)).toBeNull();
    }
  });

  it('returns null on a wrong AAD (other method, path, seq or session)', () => {
    for (const other of [
      aadRequest(sessionId, 3, 'DELETE', '/v1/keys'),
      aadRequest(sessionId, 3, 'POST', '/v1/keys/public'),
      aadRequest(sessionId, 4, 'POST', '/v1/keys'),
      aadRequest(randomBytes(16), 3, 'POST', '/v1/keys'),
    ]) {
      expect(gcmOpen(key, nonce, sealed, other)).toBeNull();
    }
  });

  it('returns null on a truncated payload, wrong key or wrong nonce', () => {
    expect(gcmOpen(key, nonce, sealed.subarray(0, 15), aad)).toBeNull();
    expect(gcmOpen(key, nonce, sealed.subarray(1), aad)).toBeNull();
    expect(gcmOpen(randomBytes(32), nonce, sealed, aad)).toBeNull();
    expect(gcmOpen(key, randomBytes(12), sealed, aad)).toBeNull();
  });

  it('asserts key and nonce lengths', () => {
    expect(() => gcmSeal(key.subarray(1), nonce, plaintext, aad)).toThrow(RangeError);
    expect(() => gcmOpen(key, nonce.subarray(1), sealed, aad)).toThrow(RangeError);
  });
});

describe('§3 records: nonces and AAD', () => {
  it('nonce(seq) XORs u64(seq) into the last 8 bytes of iv', () => {
    const iv = Buffer.from('ffffffff0000000000000000', 'hex');
    expect(nonceFor(iv, 1).toString('hex')).toBe('ffffffff0000000000000001');
    expect(nonceFor(iv, MAX_SEQ).toString('hex')).toBe('ffffffff001fffffffffffff');
    const iv2 = Buffer.from('00000000ffffffffffffffff', 'hex');
    expect(nonceFor(iv2, 2 ** 32 + 1).toString('hex')).toBe('00000000fffffffefffffffe');
    expect(iv2.toString('hex')).toBe('00000000ffffffffffffffff'); // iv left untouched
  });

  it('aad_res binds the status as u16', () => {
    expect(aadResponse(sessionId, 1, 404).subarray(-10).toString('hex')).toBe(
      '00000000000000010194',
    );
    expect(() => aadResponse(sessionId, 1, 70000)).toThrow(RangeError);
  });

  it('aad_req refuses a method with a space and a path with a query string', () => {
    expect(() => aadRequest(sessionId, 1, 'PO ST', '/v1/keys')).toThrow(RangeError);
    expect(() => aadRequest(sessionId, 1, 'POST', '/v1/keys?x=1')).toThrow(RangeError);
    expect(() => aadRequest(sessionId, 1, 'POST', 'v1/keys')).toThrow(RangeError);
  });

  it('sealRequest and sealResponse refuse seq outside [1, 2^53 - 1]', () => {
    for (const seq of [0, -1, 1.5, 2 ** 53]) {
      expect(() =>
        sealRequest(keys, sessionId, seq, 'POST', '/v1/keys', Buffer.from('{}')),
      ).toThrow(RangeError);
      expect(() => sealResponse(keys, sessionId, seq, 200, Buffer.from('{}'))).toThrow(RangeError);
    }
  });
});

describe('§3 records: client opening a response', () => {
  const plaintext = Buffer.from('{"keyId":"k","deleted":true}');
  const body = sealResponse(keys, sessionId, 5, 200, plaintext);

  it('opens the sealed response for its seq and status', () => {
    expect(openResponse(keys, sessionId, 5, 200, body)?.equals(plaintext)).toBe(true);
  });

  it('returns null when the status was changed in transit', () => {
    expect(openResponse(keys, sessionId, 5, 201, body)).toBeNull();
  });

  it('throws bad_envelope for a response to another seq or a malformed body', () => {
    const code = (b: unknown): string => {
      try {
        openResponse(keys, sessionId, 5, 200, b);
      } catch (err) {
        return (err as ChannelError).code;
      }
      return 'none';
    };
    expect(code({ ...body, seq: 6 })).toBe('bad_envelope');
    expect(code({ ...body, seq: '5' })).toBe('bad_envelope');
    expect(code({ seq: 5 })).toBe('bad_envelope');
    expect(code({ ...body, extra: 1 })).toBe('bad_envelope');
    expect(code(null)).toBe('bad_envelope');
  });
});
