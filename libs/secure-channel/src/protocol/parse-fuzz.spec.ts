import fc from 'fast-check';
import { ChannelError } from './errors';
import { parseHandshakeRequest } from './handshake';
import { parseSealedRequest } from './record';

/**
 * Whatever a client sends, the envelope parsers answer with a channel error (PROTOCOL.md §3.2)
 * or a parsed envelope: never another exception, which would become a 500.
 */
function onlyChannelErrors(parse: (body: unknown) => unknown, body: unknown): void {
  try {
    parse(body);
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err;
  }
}

const b64uLike = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
);
const anyValue = fc.oneof(fc.anything(), b64uLike, fc.double(), fc.bigInt().map(String));
const envelope = (fields: string[]) =>
  fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 8 })), anyValue, {
    maxKeys: fields.length + 2,
  });
const prototypeKeys = fc
  .constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty')
  .map((k) => JSON.parse(`{"${k}": 1, "seq": 1, "version": 1}`) as unknown);

describe('envelope parsers under fuzzing (fast-check)', () => {
  it('parseSealedRequest only ever throws ChannelError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), envelope(['sessionId', 'seq', 'payload']), prototypeKeys),
        (body) => onlyChannelErrors(parseSealedRequest, body),
      ),
      { numRuns: 2000 },
    );
  });

  it('parseHandshakeRequest only ever throws ChannelError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          envelope(['version', 'clientPublicKey', 'clientNonce']),
          envelope(['clientPublicKey', 'clientNonce']).map((o) => ({ ...o, version: 1 })),
          prototypeKeys,
        ),
        (body) => onlyChannelErrors(parseHandshakeRequest, body),
      ),
      { numRuns: 2000 },
    );
  });
});
