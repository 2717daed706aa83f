import fc from 'fast-check';
import { eventCanonicalJson, freshEventCanonicalJson } from './audit-chain';
import { canonicalJson, type JsonValue } from './canonical-json';

describe('freshEventCanonicalJson', () => {
  it('composes exactly the canonical JSON of the event, for any details, names and times', () => {
    const details = fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()) as fc.Arbitrary<
      Record<string, JsonValue>
    >;
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        fc.constantFrom('user', 'operator', 'system'),
        fc.date({ min: new Date(0), max: new Date(8.64e15), noInvalidDate: true }),
        details,
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.option(fc.string({ unit: 'binary' }), { nil: null }),
        (action, actor, actorType, at, d, seq, subject) => {
          const event = {
            seq,
            at,
            actorType,
            actor,
            action,
            subject,
            details: canonicalJson(d),
          };
          expect(freshEventCanonicalJson(event)).toBe(eventCanonicalJson(event));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
