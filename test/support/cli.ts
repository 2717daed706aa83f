import { AccountsService } from '@dss/accounts';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dssAdmin } from './dss-admin';
import { type RunningDss } from './dss-server';
import { REPO_ROOT } from './spawn';

/** The built employee command line, as `npx dss` runs it. */
export const DSS_BIN = join(REPO_ROOT, 'bin', 'dss.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json<T = Record<string, unknown>>(): T;
}

export interface CliOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Written to standard input, which is then closed (default: closed at once). */
  input?: string;
}

/** Environment of a spawned CLI: nothing inherited but PATH, so no DSS_* leaks in. */
function cliEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, LANG: 'C.UTF-8', ...env };
}

function collect(
  child: ChildProcessWithoutNullStreams,
  input: string | undefined,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined); // the CLI may exit before reading it all
  child.stdin.end(input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function withJson(r: { code: number | null; stdout: string; stderr: string }): CliRun {
  return {
    ...r,
    json<T>() {
      return JSON.parse(r.stdout) as T;
    },
  };
}

/** Runs `dss ARGS` (spawned, so the in-process server keeps answering). */
export async function runDss(args: string[], options: CliOptions): Promise<CliRun> {
  const child = spawn(process.execPath, [DSS_BIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdio: 'pipe',
  });
  return withJson(await collect(child, options.input));
}

/** Runs `dss ARGS` under `/usr/bin/time` and reports the process's maximum resident set size. */
export async function runDssMeasured(
  args: string[],
  options: CliOptions,
): Promise<CliRun & { maxRssKiB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'dss-time-'));
  try {
    const report = join(dir, 'rss');
    const child = spawn(
      '/usr/bin/time',
      ['-f', '%M', '-o', report, process.execPath, DSS_BIN, ...args],
      { cwd: options.cwd, env: cliEnv(options.env), stdio: 'pipe' },
    );
    const run = withJson(await collect(child, options.input));
    return { ...run, maxRssKiB: Number(readFileSync(report, 'utf8').trim().split('\n').pop()) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Registers a user with the operator CLI and returns the one-time temporary password. */
export async function registerUser(server: RunningDss, username: string): Promise<string> {
  const added = await dssAdmin(['users', 'add', username, '--json'], {
    DSS_DATA_DIR: server.database.dataDir,
    DSS_DATABASE_URL: server.database.databaseUrl,
  });
  if (added.code !== 0) throw new Error(`dss-admin users add ${username}: ${added.stderr}`);
  return added.json<{ temporaryPassword: string }>().temporaryPassword;
}

/**
 * An employee's machine: a working directory holding the `dss_public.pem` the
 * administrator handed out, and a config directory of its own.
 */
export class Workstation {
  readonly dir: string;
  readonly configDir: string;

  constructor(server: RunningDss, name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `dss-cli-${name}-`));
    this.configDir = join(this.dir, 'config');
    copyFileSync(join(server.database.dataDir, 'dss_public.pem'), this.path('dss_public.pem'));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** HOME, the config directory and the runtime directory (agent sockets) of this machine. */
  get env(): Record<string, string> {
    return { HOME: this.dir, DSS_CONFIG_DIR: this.configDir, XDG_RUNTIME_DIR: this.path('run') };
  }

  /** `dss ARGS` in this directory; `env` adds to (or unsets, with undefined) the base. */
  run(
    args: string[],
    options: { env?: Record<string, string | undefined>; input?: string } = {},
  ): Promise<CliRun> {
    return runDss(args, {
      cwd: this.dir,
      env: { ...this.env, ...options.env },
      input: options.input,
    });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Expects a CLI run that exited 0 and wrote nothing to stderr. */
export function expectOk(run: CliRun): void {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
}

/**
 * The workstation of a user registered for the occasion: configured for `server` and logged in
 * without an agent (the temporary password changed to `password`).
 */
export async function signedInWorkstation(
  server: RunningDss,
  username: string,
  password: string,
  profile?: { fullName: string; email: string },
): Promise<Workstation> {
  const station = new Workstation(server, username);
  const { temporaryPassword } = await server.app
    .get(AccountsService)
    .register(username, { type: 'operator', name: 'test' }, profile);
  expectOk(await station.run(['config', 'set', 'server', server.url]));
  expectOk(await station.run(['config', 'set', 'serverKey', 'dss_public.pem']));
  expectOk(await station.run(['config', 'set', 'username', username]));
  const first = await station.run(['login', '--no-agent', '--password-stdin'], {
    input: `${temporaryPassword}\n${password}\n`,
  });
  expect(first.code).toBe(0);
  return station;
}

/** {@link signedInWorkstation}, holding a key pair. */
export async function workstationWithKeys(
  server: RunningDss,
  username: string,
  profile: { fullName: string; email: string },
  password: string,
): Promise<Workstation> {
  const station = await signedInWorkstation(server, username, password, profile);
  expectOk(await station.run(['keys', 'create'], { env: { DSS_PASSWORD: password } }));
  return station;
}

/** Removes terminal escape sequences and carriage returns from a pseudo-terminal transcript. */
export function plainText(raw: string): string {
  return (
    raw
      // CSI sequences (cursor moves, erase line) and other two-byte escapes.
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b[@-_]/g, '')
      .replace(/\r\n/g, '\n')
      .replace(/\r/g, '\n')
  );
}

/**
 * `dss ARGS` on a pseudo-terminal (util-linux `script`), driven like a person
 * at the keyboard: wait for a prompt, type an answer.
 */
export class PtyDss {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  #raw = '';
  #mark = 0;

  constructor(args: string[], options: { cwd: string; env: Record<string, string | undefined> }) {
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, DSS_BIN, ...args].map(quote).join(' ');
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: options.cwd,
      env: cliEnv({ SHELL: '/bin/sh', TERM: 'xterm', ...options.env }),
      stdio: 'pipe',
    });
    this.child.stdout.on('data', (d: Buffer) => (this.#raw += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.#raw += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Everything the terminal showed, without escape sequences. */
  get transcript(): string {
    return plainText(this.#raw);
  }

  /** Waits until the terminal shows `pattern` after the previous match. */
  expect(pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const rest = this.transcript.slice(this.#mark);
        const m = rest.match(pattern);
        if (!m) return false;
        this.#mark += m.index! + m[0].length;
        resolve(m);
        return true;
      };
      if (check()) return;
      const onData = (): void => {
        if (check()) done();
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out waiting for ${String(pattern)}; the terminal shows:\n${this.transcript.slice(this.#mark)}`,
          ),
        );
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        this.child.stdout.off('data', onData);
      };
      this.child.stdout.on('data', onData);
    });
  }

  /** Types a line and Enter. */
  type(line: string): void {
    this.child.stdin.write(`${line}\r`);
  }

  /** Waits for the prompt, then types the answer. */
  async answer(prompt: RegExp, line: string): Promise<void> {
    await this.expect(prompt);
    this.type(line);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
