import { tokenize } from './tokenize';

describe('tokenize (dss shell lines)', () => {
  it('splits on blanks and honours quotes and backslashes', () => {
    expect(tokenize('  sign  report.pdf -o out.sig ')).toEqual([
      'sign',
      'report.pdf',
      '-o',
      'out.sig',
    ]);
    expect(tokenize(`sign 'my report.pdf' "a \\"b\\" c" d\\ e ''`)).toEqual([
      'sign',
      'my report.pdf',
      'a "b" c',
      'd e',
      '',
    ]);
    expect(tokenize('')).toEqual([]);
  });

  it('refuses an unterminated quote', () => {
    expect(() => tokenize('sign "oops')).toThrow(/unterminated " quote/);
  });
});
