/**
 * `dss login` keeps the session in a local agent (as ssh-agent does): a person types the password
 * once on a terminal, later commands run without it, `dss logout` ends it, the agent's socket is
 * private to its user, and the agent ends on its own after its idle time.
 */
import { AuditEventEntity } from '@dss/persistence';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PtyDss, registerUser, Workstation } from './support/cli';
import { startDss, type RunningDss } from './support/dss-server';

const PASSWORD = 'dana-keeps-one-login-a-day-47';

/** Waits until `check` holds, polling; fails after `ms`. */
async function eventually(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('dss login agent (e2e)', () => {
  let server: RunningDss;
  let dana: Workstation;
  let env: Record<string, string>;
  const ptys: PtyDss[] = [];

  const sockets = (): string[] => {
    const dir = join(dana.path('run'), 'dss');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sock')) : [];
  };
  const audited = (action: string): Promise<number> =>
    server.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .count({ where: { action, subject: 'dana' } });

  beforeAll(async () => {
    server = await startDss({ env: { DSS_LOGIN_RATE_LIMIT: '0' } });
    dana = new Workstation(server, 'dana');
    const temporary = await registerUser(server, 'dana');
    env = {
      DSS_SERVER_URL: server.url,
      DSS_SERVER_KEY: dana.path('dss_public.pem'),
      DSS_USER: 'dana',
    };
    const first = await dana.run(['login', '--no-agent'], {
      env: { ...env, DSS_PASSWORD: temporary, DSS_NEW_PASSWORD: PASSWORD },
    });
    expect(first.code).toBe(0);
    expect(sockets()).toEqual([]);
  });
  afterEach(async () => {
    for (const p of ptys.splice(0)) p.kill();
    await dana.run(['logout'], { env });
  });
  afterAll(async () => {
    dana?.remove();
    await server?.close();
  });

  it('logs in once on a terminal; keys, sign and whoami then need no password; logout ends it', async () => {
    const login = new PtyDss(['login'], { cwd: dana.dir, env: { ...dana.env, ...env } });
    ptys.push(login);
    await login.answer(/Password for dana: $/, PASSWORD);
    await login.expect(/Logged in as dana at .+\./);
    await login.expect(/Your next dss commands use this session, without a password/);
    expect(await login.exited).toBe(0);
    expect(login.transcript).not.toContain(PASSWORD);
    const loginsAfterLogin = await audited('auth.login_succeeded');

    // The agent's socket: mode 0600 in a 0700 directory of the user's own.
    const [socket] = sockets();
    expect(socket).toBeDefined();
    const dir = join(dana.path('run'), 'dss');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, socket)).mode & 0o777).toBe(0o600);
    // Another Unix user cannot even reach it.
    const other = spawnSync('runuser', ['-u', 'nobody', '--', '/bin/ls', dir], {
      encoding: 'utf8',
    });
    if (other.error === undefined && process.getuid?.() === 0) {
      expect(other.status).not.toBe(0);
      expect(other.stderr).toMatch(/Permission denied/);
    }

    // No DSS_PASSWORD, standard input closed, no terminal: only the agent can log these in.
    const created = await dana.run(['keys', 'create', '--json'], { env });
    expect(created.code).toBe(0);
    expect(created.json()).toMatchObject({ username: 'dana', algorithm: 'ecdsa-p256' });
    writeFileSync(dana.path('memo.txt'), 'Signed without typing a password again\n');
    const signed = await dana.run(['sign', 'memo.txt'], { env });
    expect(signed.code).toBe(0);
    expect(existsSync(dana.path('memo.txt.sig'))).toBe(true);
    // A file error in plain words, not an errno code.
    const nowhere = await dana.run(['sign', 'memo.txt', '-o', '/nonexistent-dir/memo.sig'], {
      env,
    });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toBe(
      'dss: cannot write /nonexistent-dir/memo.sig: its directory does not exist\n',
    );
    // Global options before the command, too.
    const who = await dana.run(['--json', 'whoami'], { env });
    expect(who.code).toBe(0);
    expect(who.json()).toMatchObject({
      username: 'dana',
      server: server.url,
      serverFingerprint: server.identity.fingerprint,
      key: { keyId: created.json<{ keyId: string }>().keyId, algorithm: 'ecdsa-p256' },
    });
    expect(Date.parse(who.json<{ sessionExpiresAt: string }>().sessionExpiresAt)).toBeGreaterThan(
      Date.now(),
    );
    const shown = await dana.run(['keys', 'show'], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('-----BEGIN PUBLIC KEY-----');
    // One login for all of that.
    expect(await audited('auth.login_succeeded')).toBe(loginsAfterLogin);

    const out = await dana.run(['logout'], { env });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Logged out of ${server.url}; the agent has ended.`);
    expect(sockets()).toEqual([]);
    // Without the agent, commands behave as before: they need the password.
    const again = await dana.run(['keys', 'show'], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/password/);
    const whoAfter = await dana.run(['whoami'], { env });
    expect(whoAfter.code).toBe(3);
    expect(whoAfter.stderr).toContain('not logged in');
  }, 90_000);

  it('a command for another user does not use the agent', async () => {
    const login = await dana.run(['login', '--json'], { env: { ...env, DSS_PASSWORD: PASSWORD } });
    expect(login.code).toBe(0);
    const asOther = await dana.run(['keys', 'show', '-u', 'someone-else'], { env });
    // It did not borrow dana's session: it wanted someone-else's password.
    expect(asOther.code).toBe(2);
    expect(asOther.stderr).toMatch(/password/);
  }, 60_000);

  it('ends by itself after its idle time, logging the session out', async () => {
    const loggedOut = await audited('auth.logout');
    const login = await dana.run(['login'], {
      env: { ...env, DSS_PASSWORD: PASSWORD, DSS_AGENT_IDLE_SECONDS: '1' },
    });
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('1 s without a command');
    // It logs the session out on the server before it removes its socket.
    await eventually(() => sockets().length === 0);
    const who = await dana.run(['whoami'], { env });
    expect(who.code).toBe(3);
    expect(await audited('auth.logout')).toBeGreaterThan(loggedOut);
  }, 60_000);

  it('refuses a bad idle setting with a usage error', async () => {
    const run = await dana.run(['login'], {
      env: { ...env, DSS_PASSWORD: PASSWORD, DSS_AGENT_IDLE_SECONDS: 'soon' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DSS_AGENT_IDLE_SECONDS');
    expect(sockets()).toEqual([]);
  });

  it('completes commands and options in bash, and prints zsh and fish scripts', async () => {
    const script = await dana.run(['completion', 'bash'], { env });
    expect(script.code).toBe(0);
    writeFileSync(dana.path('dss.bash'), script.stdout);
    const complete = (line: string): string[] => {
      const words = line.split(' ');
      const run = spawnSync(
        'bash',
        [
          '-c',
          `source ${dana.path('dss.bash')}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _dss; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      );
      return run.stdout.split('\n').filter(Boolean);
    };
    expect(complete('dss ke')).toEqual(['keys']);
    expect(complete('dss keys s')).toEqual(['show']);
    expect(complete('dss sign --enc')).toEqual(['--encoding']);
    expect(complete('dss who')).toEqual(['whoami']);
    for (const shell of ['zsh', 'fish']) {
      const other = await dana.run(['completion', shell], { env });
      expect(other.code).toBe(0);
      expect(other.stdout).toContain('whoami');
    }
    const unknown = await dana.run(['completion', 'tcsh'], { env });
    expect(unknown.code).toBe(2);
  });
});
