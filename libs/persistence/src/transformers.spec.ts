import { bigintTransformer } from './transformers';

describe('bigintTransformer', () => {
  it.each([
    [0, 0],
    ['42', 42],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    [7n, 7],
    [null, null],
    [undefined, undefined],
  ])('reads %p as %p', (raw, expected) => {
    expect(bigintTransformer.from(raw)).toBe(expected);
  });

  it.each(['9007199254740993', '1.5', 'abc'])('refuses %p rather than lose precision', (raw) => {
    expect(() => {
      bigintTransformer.from(raw);
    }).toThrow(RangeError);
  });

  it('refuses other types', () => {
    expect(() => {
      bigintTransformer.from({});
    }).toThrow(TypeError);
  });

  it('writes numbers unchanged', () => {
    expect(bigintTransformer.to(12)).toBe(12);
  });
});
