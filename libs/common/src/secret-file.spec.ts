import { ErrorCode } from './errors';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSecret, SecretMissingError, type SecretFileSpec } from './secret-file';

describe('loadOrCreateSecret', () => {
  let dir: string;
  let generated: number;
  const spec = (path: string): SecretFileSpec<string> => ({
    path,
    what: 'log key',
    hint: 'restore it from the backup',
    generate: () => {
      generated += 1;
      return `secret-${generated}\n`;
    },
    parse: (b) => b.toString('utf8').trim(),
  });
  const populated = { mayCreate: false, reason: 'the database already holds 2 users' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dss-secret-'));
    generated = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a missing secret (0600) on a fresh installation, then reads it back', () => {
    const path = join(dir, 'data', 'log.key');
    expect(loadOrCreateSecret(spec(path), { mayCreate: true })).toEqual({
      value: 'secret-1',
      created: true,
      replacedEmpty: false,
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecret(spec(path), populated)).toEqual({
      value: 'secret-1',
      created: false,
      replacedEmpty: false,
    });
    expect(generated).toBe(1);
  });

  it('refuses to invent a secret on a populated installation, with one clear line', () => {
    const path = join(dir, 'log.key');
    let error: unknown;
    try {
      loadOrCreateSecret(spec(path), populated);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SecretMissingError);
    expect((error as SecretMissingError).code).toBe(ErrorCode.SecretMissing);
    expect((error as Error).message).toBe(
      `log key ${path} is missing, but the database already holds 2 users: refusing to create a new one; restore it from the backup`,
    );
    expect(existsSync(path)).toBe(false);
    expect(generated).toBe(0);
  });

  it('an empty file (from an older, interrupted write) is replaced when fresh, refused when populated', () => {
    const path = join(dir, 'log.key');
    writeFileSync(path, '');
    expect(() => loadOrCreateSecret(spec(path), populated)).toThrow(
      /log key .* is empty \(an interrupted write\?\), but the database already holds 2 users/,
    );
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(loadOrCreateSecret(spec(path), { mayCreate: true })).toEqual({
      value: 'secret-1',
      created: true,
      replacedEmpty: true,
    });
  });

  it('keeps the secret another process created first', () => {
    const path = join(dir, 'log.key');
    const racing: SecretFileSpec<string> = {
      ...spec(path),
      generate: () => {
        writeFileSync(path, 'theirs\n', { mode: 0o600 }); // the other process wins the race
        return 'mine\n';
      },
    };
    expect(loadOrCreateSecret(racing, { mayCreate: true })).toEqual({
      value: 'theirs',
      created: false,
      replacedEmpty: false,
    });
  });
});
