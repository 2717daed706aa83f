/**
 * The bcrypt worker pool as built by `nest build`: the worker must load from `dist/` (not only from
 * the TypeScript sources under Jest), from any working directory, and a short-lived process must
 * wait for its hash yet exit on its own afterwards (idle workers are unref'd).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcrypt';
import { REPO_ROOT } from './support/spawn';

const BUILT_HASHER = join(REPO_ROOT, 'dist', 'libs', 'accounts', 'src', 'password-hasher.js');

// No close(): the process must stay up for the hash, then exit by itself.
const SCRIPT = `
const { PasswordHasher } = require(process.argv[1]);
const hasher = new PasswordHasher(Buffer.alloc(32, 7), 10, { threads: 1 });
hasher.hash('correct-Staple-Wombat-93').then(async (hash) => {
  const ok = await hasher.verify('correct-Staple-Wombat-93', hash);
  const wrong = await hasher.verify('correct-Staple-Wombat-94', hash);
  process.stdout.write(JSON.stringify({ hash, ok, wrong }));
});
`;

describe('bcrypt worker pool from the build (e2e)', () => {
  it('hashes and verifies from dist/, in another directory, and lets the process exit', () => {
    expect(existsSync(BUILT_HASHER)).toBe(true);
    const run = spawnSync(process.execPath, ['-e', SCRIPT, BUILT_HASHER], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect({ status: run.status, signal: run.signal, stderr: run.stderr }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
    });
    const out = JSON.parse(run.stdout) as { hash: string; ok: boolean; wrong: boolean };
    expect(out).toMatchObject({ ok: true, wrong: false });
    expect(bcrypt.getRounds(out.hash)).toBe(10);
  });
});
