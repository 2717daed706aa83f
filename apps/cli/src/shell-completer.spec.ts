import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeFileName, shellCompleter } from './shell-completer';

describe('dss shell completion', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dss-complete-'));
    writeFileSync(join(dir, 'report.pdf'), '');
    writeFileSync(join(dir, 'report.pdf.sig'), '');
    writeFileSync(join(dir, '.hidden'), '');
    mkdirSync(join(dir, 'reports'));
    writeFileSync(join(dir, 'reports', 'q1.txt'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('completes the first word to a command', () => {
    const complete = shellCompleter(['sign', 'server-key', 'shell', 'verify'], () => dir);
    expect(complete('s')).toEqual([['sign', 'server-key', 'shell'], 's']);
    expect(complete('ve')).toEqual([['verify'], 've']);
  });

  it('completes later words to file names, directories with a slash, hidden files on a dot', () => {
    const complete = shellCompleter(['sign'], () => dir);
    expect(complete('sign rep')).toEqual([['report.pdf', 'report.pdf.sig', 'reports/'], 'rep']);
    expect(complete('sign reports/q')).toEqual([['reports/q1.txt'], 'reports/q']);
    expect(complete('sign .h')).toEqual([['.hidden'], '.h']);
    expect(complete('sign --enc')).toEqual([[], '--enc']);
    expect(completeFileName('missing-dir/x', dir)).toEqual([]);
  });
});
