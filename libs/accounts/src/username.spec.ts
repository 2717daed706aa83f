import { ErrorCode } from '@dss/common';
import { assertValidUsername, isValidUsername, normalizeUsername } from './username';

describe('normalizeUsername', () => {
  it('trims and lower-cases', () => {
    expect(normalizeUsername('  Alice.Smith\t')).toBe('alice.smith');
  });

  it('rejects non-strings', () => {
    expect(() => normalizeUsername(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('assertValidUsername', () => {
  it.each(['abc', 'alice.smith', 'bob_2', 'x-y.z_0', 'a'.repeat(64)])('accepts %j', (name) => {
    expect(isValidUsername(name)).toBe(true);
    expect(() => assertValidUsername(name)).not.toThrow();
  });

  it.each(['ab', 'a'.repeat(65), 'Alice', 'a b', 'al/ce', 'ålice', '', 'name@example.com'])(
    'rejects %j with invalid_username',
    (name) => {
      expect(isValidUsername(name)).toBe(false);
      expect(() => assertValidUsername(name)).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidUsername }),
      );
    },
  );
});
