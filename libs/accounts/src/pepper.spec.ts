import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePepper, PEPPER_FILE_NAME } from './pepper';

describe('loadOrCreatePepper', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dss-pepper-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const none = () => ({ pepper: undefined, pepperFile: undefined, dataDir: join(dir, 'data') });

  it('creates <dataDir>/pepper with 32 random bytes, mode 0600, once', () => {
    const first = loadOrCreatePepper(none());
    const path = join(dir, 'data', PEPPER_FILE_NAME);
    expect(first).toMatchObject({ created: true, source: 'data-dir', path });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8').trim();
    expect(Buffer.from(text, 'base64')).toHaveLength(32);
    expect(first.pepper.equals(Buffer.from(text, 'utf8'))).toBe(true);

    const second = loadOrCreatePepper(none());
    expect(second.created).toBe(false);
    expect(second.pepper.equals(first.pepper)).toBe(true);
  });

  it('uses DSS_PEPPER as UTF-8 bytes, and gives the same pepper as a file with that text', () => {
    const secret = 'a pepper of at least thirty-two characters';
    const fromEnv = loadOrCreatePepper({ ...none(), pepper: secret });
    expect(fromEnv).toMatchObject({ created: false, source: 'DSS_PEPPER' });
    expect(fromEnv.pepper.equals(Buffer.from(secret, 'utf8'))).toBe(true);

    const file = join(dir, 'pepper.txt');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    const fromFile = loadOrCreatePepper({ ...none(), pepperFile: file });
    expect(fromFile).toMatchObject({ created: false, source: 'DSS_PEPPER_FILE', path: file });
    expect(fromFile.pepper.equals(fromEnv.pepper)).toBe(true);
  });

  it('fails on a missing DSS_PEPPER_FILE instead of creating one', () => {
    expect(() => loadOrCreatePepper({ ...none(), pepperFile: join(dir, 'missing') })).toThrow(
      /DSS_PEPPER_FILE: file .*missing does not exist/,
    );
  });

  it('refuses a short pepper without echoing it', () => {
    const file = join(dir, 'short');
    writeFileSync(file, 'tooshort', { mode: 0o600 });
    expect(() => loadOrCreatePepper({ ...none(), pepperFile: file })).toThrow(
      /at least 32 characters/,
    );
    try {
      loadOrCreatePepper({ ...none(), pepper: 'tooshort' });
    } catch (err) {
      expect(String(err)).not.toContain('tooshort');
    }
    expect(() => loadOrCreatePepper({ ...none(), pepper: 'tooshort' })).toThrow(/DSS_PEPPER/);
  });
});
