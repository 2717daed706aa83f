/**
 * The `dss` CLI as a person uses it, on a pseudo-terminal: passwords typed without echo, the
 * first login's forced change (with a mistyped and a refused password on the way), then
 * `dss shell` running many commands over one secure session.
 */
import { AuditEventEntity } from '@dss/persistence';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { PtyDss, registerUser, Workstation } from './support/cli';
import { startDss, type RunningDss } from './support/dss-server';

const NEW_PASSWORD = 'carol-keeps-her-passphrase-31';
const NEWER_PASSWORD = 'carol-rotates-to-another-one-62';
const WEAK_PASSWORD = 'aaaaaaaaaaaaaaaa';

describe('dss CLI on a terminal (e2e)', () => {
  let server: RunningDss;
  let carol: Workstation;
  let env: Record<string, string>;
  let temporary: string;
  const ptys: PtyDss[] = [];

  const pty = (args: string[], extra: Record<string, string | undefined> = {}): PtyDss => {
    const p = new PtyDss(args, { cwd: carol.dir, env: { ...carol.env, ...env, ...extra } });
    ptys.push(p);
    return p;
  };
  const logins = (): Promise<number> =>
    server.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .count({ where: { action: 'auth.login_succeeded', subject: 'carol' } });

  beforeAll(async () => {
    server = await startDss({ env: { DSS_LOGIN_RATE_LIMIT: '0' } });
    carol = new Workstation(server, 'carol');
    temporary = await registerUser(server, 'carol');
    env = {
      DSS_SERVER_URL: server.url,
      DSS_SERVER_KEY: carol.path('dss_public.pem'),
      DSS_USER: 'carol',
    };
  });
  afterEach(() => {
    for (const p of ptys.splice(0)) p.kill();
  });
  afterAll(async () => {
    carol?.remove();
    await server?.close();
  });

  it('first login: asks for a new password twice, retries a mismatch and a weak one, then runs the command', async () => {
    const run = pty(['keys', 'create']);
    await run.answer(/Password for carol: $/, temporary);
    await run.expect(/First login of carol: the password is temporary and must be changed now/);
    await run.answer(/New password: $/, NEW_PASSWORD);
    await run.answer(/Repeat the new password: $/, `${NEW_PASSWORD}-typo`);
    await run.expect(/the two passwords differ; try again\./);
    await run.answer(/New password: $/, WEAK_PASSWORD);
    await run.answer(/Repeat the new password: $/, WEAK_PASSWORD);
    await run.expect(/The server refused this password: .+\. Choose another\./);
    await run.answer(/New password: $/, NEW_PASSWORD);
    await run.answer(/Repeat the new password: $/, NEW_PASSWORD);
    await run.expect(/Password changed\. Logging in again with the new password\./);
    await run.expect(/Created a key pair for carol\.\n\s+key id: +[0-9a-f-]{36}/);
    expect(await run.exited).toBe(0);
    // Nothing typed at a password prompt was echoed.
    for (const secret of [temporary, NEW_PASSWORD, WEAK_PASSWORD]) {
      expect(run.transcript).not.toContain(secret);
    }
  }, 60_000);

  it('dss shell: one login, one secure session, many commands; then passwd and delete', async () => {
    writeFileSync(carol.path('doc.txt'), 'Minutes of the board meeting\n');
    // Over 32 MiB: the terminal shows a progress bar while it is hashed.
    writeFileSync(carol.path('big.bin'), randomBytes(40 * 1024 * 1024));
    const before = await logins();

    const shell = pty(['shell']);
    await shell.answer(/Password for carol: $/, NEW_PASSWORD);
    await shell.expect(/Logged in as carol at .*\nOne secure session/);
    await shell.expect(/1\) keys create .*CreateKeys/);

    await shell.answer(/dss:carol> $/, 'keys show --out carol.pem');
    await shell.expect(/Wrote carol's public key to carol\.pem\./);
    // The report's menu: a number, then the question for its argument.
    await shell.answer(/dss:carol> $/, '2');
    await shell.answer(/File to sign: $/, 'doc.txt');
    await shell.expect(/Signed doc\.txt \(29 B\) as carol\./);
    await shell.answer(/dss:carol> $/, 'verify doc.txt doc.txt.sig --user carol');
    await shell.expect(/Verified OK: doc\.txt is signed by carol's key \(DER\)\./);
    await shell.answer(/dss:carol> $/, 'sign big.bin');
    await shell.expect(/Hashing big\.bin \[#{30}\] 100% 40\.0 MiB \/ 40\.0 MiB/);
    await shell.expect(/Signed big\.bin \(40\.0 MiB, by its SHA-256 digest\) as carol\./);
    await shell.answer(/dss:carol> $/, 'sign no-such-file');
    await shell.expect(/dss: no-such-file: no such file/);
    await shell.answer(/dss:carol> $/, 'server-key');
    await shell.expect(new RegExp(`Fingerprint: ${server.identity.fingerprint}`));

    // Six commands, one login.
    expect((await logins()) - before).toBe(1);

    await shell.answer(/dss:carol> $/, 'passwd');
    await shell.answer(/Current password: $/, NEW_PASSWORD);
    await shell.answer(/New password: $/, NEWER_PASSWORD);
    await shell.answer(/Repeat the new password: $/, NEWER_PASSWORD);
    await shell.expect(/Password of carol changed\./);
    // Logged in again with the new password (as in the report), the session goes on.
    await shell.answer(/dss:carol> $/, 'keys delete');
    await shell.expect(/This deletes the key pair of carol \(fingerprint [0-9a-f]{64}\)/);
    await shell.answer(/Delete it\? \[y\/N\] $/, 'yes');
    await shell.expect(/Deleted the key pair [0-9a-f-]{36} of carol\./);
    await shell.answer(/dss:carol> $/, 'keys show');
    await shell.expect(/dss: no active key pair: create one with `dss keys create`/);
    await shell.answer(/dss:carol> $/, 'exit');
    await shell.expect(/Logged out\./);
    expect(await shell.exited).toBe(0);
    expect((await logins()) - before).toBe(2);
    for (const secret of [NEW_PASSWORD, NEWER_PASSWORD]) {
      expect(shell.transcript).not.toContain(secret);
    }

    // The signatures made in the shell verify with plain OpenSSL.
    for (const file of ['doc.txt', 'big.bin']) {
      const r = spawnSync(
        'openssl',
        ['dgst', '-sha256', '-verify', 'carol.pem', '-signature', `${file}.sig`, file],
        { cwd: carol.dir, encoding: 'utf8' },
      );
      expect(`${r.stdout}${r.stderr}`.trim()).toBe('Verified OK');
    }
  }, 90_000);

  it('a scripted shell reads the password, then one command per line', async () => {
    const run = await carol.run(['shell', '--password-stdin', '--json'], {
      env,
      input: `${NEWER_PASSWORD}\nserver-key\nkeys show\n`,
    });
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      expect.objectContaining({ fingerprint: server.identity.fingerprint }),
      { error: { code: 'no_key', message: expect.stringMatching(/^no active key pair/) } },
    ]);
    // A script's shell exits with its last command's status: no key, 4.
    expect(run.code).toBe(4);
  });

  it('dss shell survives its session expiring: it says so, asks for the password and goes on', async () => {
    const quick = await startDss({ env: { DSS_SESSION_IDLE_SECONDS: '5' } });
    try {
      const temp = await registerUser(quick, 'frank');
      const quickEnv = {
        DSS_SERVER_URL: quick.url,
        DSS_SERVER_KEY: quick.identity.fingerprint,
        DSS_USER: 'frank',
      };
      const first = await carol.run(['keys', 'create'], {
        env: { ...quickEnv, DSS_PASSWORD: temp, DSS_NEW_PASSWORD: NEW_PASSWORD },
      });
      expect(first.code).toBe(0);

      const shell = pty(['shell'], quickEnv);
      await shell.answer(/Password for frank: $/, NEW_PASSWORD);
      await shell.answer(/dss:frank> $/, 'keys show');
      await shell.expect(/Your public key \(frank\)/);
      await shell.expect(/dss:frank> $/);
      await new Promise((r) => setTimeout(r, 6_000)); // idle past the 5 s the server allows
      shell.type('keys show');
      await shell.answer(
        /The secure session expired; logging in again\.\nPassword for frank: $/,
        NEW_PASSWORD,
      );
      await shell.expect(/Your public key \(frank\)/);
      await shell.answer(/dss:frank> $/, 'exit');
      expect(await shell.exited).toBe(0);
    } finally {
      await quick.close();
    }
  }, 60_000);

  it('Ctrl-C at the password prompt stops with exit 130', async () => {
    const run = pty(['login']);
    await run.expect(/Password for carol: $/);
    run.child.stdin.write('\u0003');
    expect(await run.exited).toBe(130);
    expect(run.transcript).toMatch(/dss: interrupted/);
  });
});
