import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './spawn';

export interface AdminRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json<T = Record<string, unknown>>(): T;
}

/** Runs the built `dss-admin` against a data directory and database, as an operator would. */
export function dssAdmin(
  args: string[],
  env: { DSS_DATA_DIR: string; DSS_DATABASE_URL?: string } & Record<string, string | undefined>,
): Promise<AdminRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'dss-admin.js'), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, DSS_BCRYPT_COST: '10', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          return JSON.parse(stdout) as T;
        },
      }),
    );
  });
}
