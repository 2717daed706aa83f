import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AtomicWriteIo, NODE_IO, writeFileAtomic } from './atomic-file';

/** A file system that fails with `code` at `step`, after writing `partial` bytes for writes. */
function failingAt(step: keyof AtomicWriteIo, code: string, partial = 0): AtomicWriteIo {
  const fail = (): never => {
    throw Object.assign(new Error(`${step}: injected ${code}`), { code });
  };
  if (step === 'writeSync') {
    return {
      ...NODE_IO,
      writeSync: (fd, data) => {
        if (partial > 0) NODE_IO.writeSync(fd, data.subarray(0, partial));
        return fail();
      },
    };
  }
  return { ...NODE_IO, [step]: fail };
}

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dss-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the whole file with the intended mode, whatever the umask', () => {
    const path = join(dir, 'sub', 'key.pem');
    const old = process.umask(0o077);
    try {
      writeFileAtomic(path, 'secret\n', { mode: 0o640 });
    } finally {
      process.umask(old);
    }
    expect(readFileSync(path, 'utf8')).toBe('secret\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['key.pem']);
  });

  it.each([
    ['writeSync', 'ENOSPC', 5],
    ['fsyncSync', 'EIO', 0],
    ['closeSync', 'EIO', 0],
    ['renameSync', 'EXDEV', 0],
    ['fchmodSync', 'EPERM', 0],
  ] as const)(
    'leaves no file, never an empty or partial one, when %s fails (%s) during a first write',
    (step, code, partial) => {
      const path = join(dir, 'dss_private.pem');
      expect(() =>
        writeFileAtomic(path, 'a whole key that must never be half written', {
          io: failingAt(step, code, partial),
        }),
      ).toThrow(expect.objectContaining({ code }));
      expect(existsSync(path)).toBe(false);
      expect(readdirSync(dir)).toEqual([]); // the temporary file is gone too
      // The next start writes it whole.
      writeFileAtomic(path, 'a whole key');
      expect(readFileSync(path, 'utf8')).toBe('a whole key');
    },
  );

  it('keeps the old contents when replacing fails mid-write (disk full)', () => {
    const path = join(dir, 'master.key');
    writeFileSync(path, 'old ring\n', { mode: 0o600 });
    expect(() =>
      writeFileAtomic(path, 'new ring, longer\n', { io: failingAt('writeSync', 'ENOSPC', 3) }),
    ).toThrow(/ENOSPC/);
    expect(readFileSync(path, 'utf8')).toBe('old ring\n');
    expect(readdirSync(dir)).toEqual(['master.key']);
  });

  it('exclusive: refuses to replace an existing file and keeps it', () => {
    const path = join(dir, 'pepper');
    writeFileAtomic(path, 'first', { exclusive: true });
    expect(() => writeFileAtomic(path, 'second', { exclusive: true })).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['pepper']);
  });
});
