/**
 * The `dss` CLI when things go wrong: a server with another identity key is refused with both
 * fingerprints shown; wrong credentials, a server that is down, slow or not a DSS server, bad
 * flags and missing files each give their documented exit code and one clear line.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { type AddressInfo, type Socket } from 'node:net';
import { registerUser, Workstation, type CliRun } from './support/cli';
import { startAdmin } from './support/admin-server';
import { startDss, type RunningDss } from './support/dss-server';
import { freePort } from './support/spawn';

const PASSWORD = 'erin-picks-a-long-passphrase-5';

const sockets = new Set<Socket>();

function listen(server: Server | TcpServer): Promise<string> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

function close(server: Server | TcpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
}

/** One line on standard error, no stack trace, nothing on standard output. */
function expectOneLine(run: CliRun, code: number, message: RegExp): void {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code, stdout: '' });
  expect(run.stderr).toMatch(/^dss: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
}

describe('dss CLI: refusals, failures and exit codes (e2e)', () => {
  let server: RunningDss;
  let other: RunningDss;
  let erin: Workstation;
  let env: Record<string, string>;
  const httpServers: (Server | TcpServer)[] = [];

  beforeAll(async () => {
    server = await startDss({ env: { DSS_LOGIN_RATE_LIMIT: '0' } });
    other = await startDss(); // a second server: another identity key
    erin = new Workstation(server, 'erin');
    const temporary = await registerUser(server, 'erin');
    env = {
      DSS_SERVER_URL: server.url,
      DSS_SERVER_KEY: erin.path('dss_public.pem'),
      DSS_USER: 'erin',
      DSS_PASSWORD: PASSWORD,
    };
    const first = await erin.run(['login', '--no-agent'], {
      env: { ...env, DSS_PASSWORD: temporary, DSS_NEW_PASSWORD: PASSWORD },
    });
    expect(first.code).toBe(0);
  });
  afterAll(async () => {
    for (const s of httpServers) await close(s);
    erin?.remove();
    await other?.close();
    await server?.close();
  }, 30_000);

  describe('server identity (exit 7)', () => {
    const expected = () => server.identity.fingerprint;
    const presented = () => other.identity.fingerprint;

    it('refuses a server whose handshake is not signed by the pinned dss_public.pem, showing both fingerprints', async () => {
      const run = await erin.run(['login', '--no-agent', '--server', other.url], { env });
      expect(run.code).toBe(7);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(`^dss: REFUSED: the server at ${other.url} is not the DSS server you trust`),
        ),
        `  expected (pinned) fingerprint: ${expected()}`,
        `  presented fingerprint:         ${presented()}`,
      ]);

      const json = await erin.run(['keys', 'create', '--server', other.url, '--json'], { env });
      expect(json.code).toBe(7);
      expect(json.json()).toEqual({
        error: {
          code: 'server_identity_mismatch',
          message: expect.stringMatching(/^REFUSED: /),
          expectedFingerprint: expected(),
          presentedFingerprint: presented(),
        },
      });
    });

    it('refuses it as well when the pin is the fingerprint, and in server-key', async () => {
      const run = await erin.run(
        ['login', '--no-agent', '--server', other.url, '--server-key', expected()],
        {
          env,
        },
      );
      expect(run.code).toBe(7);
      expect(run.stderr).toContain(`expected (pinned) fingerprint: ${expected()}`);
      expect(run.stderr).toContain(`presented fingerprint:         ${presented()}`);

      const key = await erin.run(['server-key', '--server', other.url], { env });
      expect(key.code).toBe(7);
      expect(key.stderr).toContain(expected());
      expect(key.stderr).toContain(presented());
    });

    it('refuses an impostor that advertises the real key but cannot sign a handshake with it', async () => {
      // GET /v1/server-key answers with the real server's key; the handshake comes from another.
      const impostor = createServer((req, res) => {
        const target = req.url === '/v1/server-key' ? server.url : other.url;
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          void fetch(`${target}${req.url}`, {
            method: req.method,
            headers: { 'content-type': 'application/json' },
            body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
          }).then(async (answer) => {
            res.writeHead(answer.status, { 'content-type': 'application/json' });
            res.end(Buffer.from(await answer.arrayBuffer()));
          });
        });
      });
      httpServers.push(impostor);
      const url = await listen(impostor);
      const run = await erin.run(
        ['login', '--no-agent', '--server', url, '--server-key', expected()],
        { env },
      );
      expect(run.code).toBe(7);
      expect(run.stderr).toMatch(/^dss: REFUSED: /);
    });

    it('accepts the real server pinned by file or by fingerprint; server-key prints its fingerprint', async () => {
      const byFile = await erin.run(['server-key', '--json'], { env });
      expect(byFile.code).toBe(0);
      expect(byFile.json()).toMatchObject({
        server: server.url,
        fingerprint: expected(),
        pinned: { fingerprint: expected(), matches: true },
      });
      const byFingerprint = await erin.run(
        ['login', '--no-agent', '--server-key', expected().toUpperCase()],
        {
          env,
        },
      );
      expect(byFingerprint.code).toBe(0);

      // Without any pin: the fingerprint to compare, and no trust.
      const unpinned = await erin.run(['server-key'], {
        env: { ...env, DSS_SERVER_KEY: undefined },
      });
      expect(unpinned.code).toBe(0);
      expect(unpinned.stdout).toContain(`Fingerprint: ${expected()}`);
      expect(unpinned.stdout).toContain('Pinned key:  none.');
      const refused = await erin.run(['login', '--no-agent'], {
        env: { ...env, DSS_SERVER_KEY: undefined },
      });
      expectOneLine(refused, 2, /no pinned server key: .*never trusts a server it cannot check/);
    });
  });

  describe('authentication (exit 3)', () => {
    it('answers a wrong password and an unknown user alike', async () => {
      const wrong = await erin.run(['login', '--no-agent'], {
        env: { ...env, DSS_PASSWORD: 'not-the-password-at-all' },
      });
      const unknown = await erin.run(['login', '--no-agent', '-u', 'nobody'], { env });
      for (const run of [wrong, unknown]) {
        expectOneLine(run, 3, /^dss: login failed: wrong username or password/);
      }
      expect(wrong.stderr).toBe(unknown.stderr);

      const json = await erin.run(['login', '--no-agent', '-u', 'nobody', '--json'], { env });
      expect(json.code).toBe(3);
      expect(json.stderr).toBe('');
      expect(json.json()).toEqual({
        error: { code: 'invalid_credentials', message: expect.stringMatching(/^login failed/) },
      });
    });

    it('reports a locked account with the time to wait', async () => {
      const temporary = await registerUser(server, 'mallory');
      for (let i = 0; i < 5; i++) {
        expect((await erin.run(['login', '--no-agent', '-u', 'mallory'], { env })).code).toBe(3);
      }
      const locked = await erin.run(['login', '--no-agent', '-u', 'mallory'], {
        env: { ...env, DSS_PASSWORD: temporary },
      });
      expectOneLine(locked, 3, /^dss: too many login attempts: try again in \d+ s/);
    });

    it('needs a password from the terminal, DSS_PASSWORD or --password-stdin, never an argument', async () => {
      const none = await erin.run(['login', '--no-agent'], {
        env: { ...env, DSS_PASSWORD: undefined },
      });
      expectOneLine(
        none,
        2,
        /^dss: no password: type it on a terminal, or give it in DSS_PASSWORD/,
      );
      const argument = await erin.run(['login', '--no-agent', '--password', PASSWORD], { env });
      expectOneLine(argument, 2, /^dss: passwords are never taken from the command line/);
      const emptyStdin = await erin.run(['login', '--no-agent', '--password-stdin'], {
        env,
        input: '',
      });
      expectOneLine(emptyStdin, 2, /--password-stdin: standard input has no line/);
    });
  });

  describe('server and network (exit 6)', () => {
    it('server down', async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      const run = await erin.run(['login', '--no-agent', '--server', url], { env });
      expectOneLine(
        run,
        6,
        new RegExp(`^dss: cannot reach the DSS server at ${url}: connection refused`),
      );
      const json = await erin.run(['sign', 'x', '--server', url, '--json'], { env });
      expect(json.code).toBe(4); // the missing file is found out before any connection
      const keys = await erin.run(['keys', 'create', '--server', url, '--json'], { env });
      expect(keys.code).toBe(6);
      expect(keys.json()).toMatchObject({ error: { code: 'network_unreachable' } });
    });

    it('a server that accepts the connection but never answers: timeout', async () => {
      const silent = createTcpServer(() => undefined);
      httpServers.push(silent);
      const url = await listen(silent);
      const run = await erin.run(['login', '--no-agent', '--server', url, '--timeout', '1'], {
        env,
      });
      expectOneLine(run, 6, new RegExp(`^dss: the DSS server at ${url} did not answer in time`));
    });

    it("the admin app's port instead of the employee API: says so in plain words", async () => {
      const admin = await startAdmin({ database: server.database });
      try {
        const run = await erin.run(['login', '--no-agent', '--server', admin.url], { env });
        expectOneLine(
          run,
          6,
          /^dss: this address answers, but not as a DSS employee API .*is it the admin app's port\?/,
        );
      } finally {
        await admin.close();
      }
    });

    it('https:// against a plain HTTP server: no raw TLS error code', async () => {
      const url = server.url.replace('http://', 'https://');
      const run = await erin.run(['login', '--no-agent', '--server', url], { env });
      expectOneLine(run, 6, /no TLS \(HTTPS\) at this address: use http:\/\/ in the server URL/);
      expect(run.stderr).not.toContain('ERR_SSL');
    });

    it('something that is not a DSS server', async () => {
      const web = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>Welcome to the intranet</body></html>');
      });
      httpServers.push(web);
      const url = await listen(web);
      for (const serverKey of [erin.path('dss_public.pem'), server.identity.fingerprint]) {
        const run = await erin.run(
          ['login', '--no-agent', '--server', url, '--server-key', serverKey],
          { env },
        );
        expectOneLine(
          run,
          6,
          new RegExp(
            `^dss: the server at ${url} did not answer as a DSS server .*check the server URL`,
          ),
        );
      }
    });
  });

  describe('usage (exit 2), missing files (exit 4)', () => {
    it('refuses bad flags and arguments with one line pointing at --help', async () => {
      const cases: [string[], RegExp][] = [
        [['sign'], /^dss: missing required argument 'file' \(see 'dss sign --help'\)/],
        [['sign', 'a.txt', '--frobnicate'], /^dss: unknown option '--frobnicate'/],
        [['sign', 'a.txt', '--encoding', 'pem'], /argument 'pem' is invalid/],
        [['frobnicate'], /^dss: unknown command 'frobnicate'/],
        [['login', '--timeout', 'soon'], /expected a number of seconds/],
        [['verify', 'a', 'b'], /give exactly one of --user NAME .* or --key FILE\.pem/],
        [['verify', 'a', 'b', '--user', 'x', '--key', 'y'], /give exactly one of/],
        [['config', 'set', 'colour', 'blue'], /unknown setting "colour"/],
        [['config', 'set', 'server', 'ftp://dss'], /invalid server URL/],
        [['config', 'set', 'serverKey', 'no-such.pem'], /no such file/],
        [['login', '--server', 'not a url'], /invalid server URL/],
      ];
      for (const [args, message] of cases) {
        const run = await erin.run(args, { env });
        // serverKey pointing at a missing file is a missing file: exit 4.
        const code = args[2] === 'serverKey' ? 4 : 2;
        expect([args, run.code]).toEqual([args, code]);
        expectOneLine(run, code, message);
      }
      const json = await erin.run(['sign', '--json'], { env });
      expect(json.code).toBe(2);
      expect(json.json()).toEqual({
        error: { code: 'usage', message: expect.stringContaining('missing required argument') },
      });
      // A command group without its subcommand prints its help on stderr.
      const keys = await erin.run(['keys'], { env });
      expect(keys.code).toBe(2);
      expect(keys.stderr).toContain('Usage: dss keys');

      const noServer = await erin.run(['login', '--no-agent'], {
        env: { ...env, DSS_SERVER_URL: undefined },
      });
      expectOneLine(noServer, 2, /^dss: no server URL: pass --server URL, set DSS_SERVER_URL/);
    });

    it('answers --help on every command with exit 0', async () => {
      const commands = [
        [],
        ['config'],
        ['config', 'set'],
        ['config', 'get'],
        ['config', 'unset'],
        ['config', 'path'],
        ['login'],
        ['passwd'],
        ['keys'],
        ['keys', 'create'],
        ['keys', 'show'],
        ['keys', 'delete'],
        ['sign'],
        ['verify'],
        ['server-key'],
        ['shell'],
      ];
      const runs = await Promise.all(commands.map((c) => erin.run([...c, '--help'])));
      commands.forEach((c, i) => {
        expect([c, runs[i].code, runs[i].stderr]).toEqual([c, 0, '']);
        expect(runs[i].stdout).toMatch(new RegExp(`^Usage: ${['dss', ...c].join(' ')}`));
      });
      expect(runs[0].stdout).toContain('7  server identity mismatch');
      expect(runs[commands.findIndex((c) => c[0] === 'sign')].stdout).toContain('--encoding');
    });

    it('reports missing files with exit 4', async () => {
      writeFileSync(erin.path('present.txt'), 'here');
      expectOneLine(
        await erin.run(['sign', 'missing.txt'], { env }),
        4,
        /^dss: missing\.txt: no such file/,
      );
      expectOneLine(
        await erin.run(['verify', 'present.txt', 'missing.sig', '--key', 'dss_public.pem'], {
          env,
        }),
        4,
        /^dss: missing\.sig: no such file/,
      );
      expectOneLine(
        await erin.run(['login', '--no-agent', '--server-key', 'missing.pem'], { env }),
        4,
        /^dss: server key: \S*\/missing\.pem: no such file/,
      );
    });
  });

  describe('settings: flag > environment > config file', () => {
    it('takes the flag over the environment over the config file', async () => {
      const dead = `http://127.0.0.1:${await freePort()}`;
      const base = { ...env, DSS_SERVER_URL: undefined };
      expect((await erin.run(['config', 'set', 'server', dead])).code).toBe(0);
      expect((await erin.run(['config', 'path'])).stdout).toBe(
        `${erin.path('config/config.json')}\n`,
      );
      // Config file alone: the dead server.
      expect((await erin.run(['login', '--no-agent'], { env: base })).code).toBe(6);
      // The environment beats the config file.
      expect(
        (await erin.run(['login', '--no-agent'], { env: { ...base, DSS_SERVER_URL: server.url } }))
          .code,
      ).toBe(0);
      // The flag beats the environment.
      const flag = await erin.run(['login', '--no-agent', '--server', dead], {
        env: { ...base, DSS_SERVER_URL: server.url },
      });
      expect(flag.code).toBe(6);
      expect(flag.stderr).toContain(dead);

      expect((await erin.run(['config', 'unset', 'server'])).code).toBe(0);
      const unset = await erin.run(['config', 'get', 'server']);
      expectOneLine(unset, 4, /^dss: server is not set/);
    });
  });
});
