import {
  detailPairs,
  formatCount,
  formatDateTime,
  formatFingerprint,
  plural,
  shortDay,
  shortFingerprint,
  userStatusLabel,
} from './format';

describe('format', () => {
  it('shows times in UTC, with or without seconds', () => {
    expect(formatDateTime('2026-05-04T09:07:05.123Z')).toBe('2026-05-04 09:07 UTC');
    expect(formatDateTime('2026-05-04T23:59:59.999+02:00', true)).toBe('2026-05-04 21:59:59 UTC');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('')).toBe('—');
    expect(formatDateTime('soon')).toBe('soon');
  });

  it('labels chart days', () => {
    expect(shortDay('2026-05-04')).toBe('05-04');
    expect(shortDay('2026-12-31')).toBe('12-31');
    expect(shortDay('today')).toBe('today');
  });

  it('groups fingerprints by four for comparison by eye', () => {
    expect(formatFingerprint('ABCDEF0123456789ab')).toBe('abcd ef01 2345 6789 ab');
    expect(shortFingerprint('abcdef0123456789abcdef0123456789')).toBe('abcd ef01 2345 6789 …');
    expect(shortFingerprint('abcd')).toBe('abcd');
    expect(formatFingerprint('not hex!')).toBe('not hex!');
  });

  it('counts and labels', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(999)).toBe('999');
    expect(plural(1, 'user')).toBe('1 user');
    expect(plural(2, 'user')).toBe('2 users');
    expect(userStatusLabel('must_change_password')).toBe('Must change password');
  });

  it('turns audit details into key/value pairs, never JSON', () => {
    expect(
      detailPairs({
        keyId: 'k1',
        changed: false,
        n: 3,
        none: null,
        nested: { a: 1 },
        list: ['x', 2],
      }),
    ).toEqual([
      ['keyId', 'k1'],
      ['changed', 'false'],
      ['n', '3'],
      ['none', '—'],
      ['nested', 'a=1'],
      ['list', 'x, 2'],
    ]);
    expect(detailPairs(null)).toEqual([]);
    expect(detailPairs('text')).toEqual([]);
  });
});
