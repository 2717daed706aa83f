/**
 * The `dss` employee CLI, built and spawned, against the real service: the original report's
 * whole flow without a terminal (`--password-stdin`, `--yes`, `--json`), with every signature
 * checked by the real OpenSSL command line — including a 200 MB file signed by digest while the
 * CLI's memory stays far below the file's size.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { registerUser, runDssMeasured, Workstation, type CliRun } from './support/cli';
import { startDss, type RunningDss } from './support/dss-server';

const ALICE_PASSWORD = 'orchard-lantern-47-quietly';
const BOB_PASSWORD = 'bob-has-a-much-better-password-9';

/** `openssl dgst -sha256 -verify PUB -signature SIG FILE`, run in a directory, as a colleague would. */
function opensslCli(dir: string, pub: string, sig: string, file: string): string {
  const r = spawnSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig, file], {
    cwd: dir,
    encoding: 'utf8',
  });
  return `${r.stdout}${r.stderr}`.trim();
}

function expectOk(run: CliRun): void {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
}

describe('dss CLI: the report flow, non-interactively (e2e)', () => {
  let server: RunningDss;
  let alice: Workstation;
  let bob: Workstation;
  let aliceTemp: string;
  let bobTemp: string;

  beforeAll(async () => {
    // Many CLI runs log in from 127.0.0.1 within a minute: lift the per-address login throttle.
    server = await startDss({ env: { DSS_LOGIN_RATE_LIMIT: '0' } });
    alice = new Workstation(server, 'alice');
    bob = new Workstation(server, 'bob');
    aliceTemp = await registerUser(server, 'alice');
    bobTemp = await registerUser(server, 'bob');
  });
  afterAll(async () => {
    alice?.remove();
    bob?.remove();
    await server?.close();
  });

  it('register → first login with a forced change → CreateKeys → SignDoc → GetPublicKey → verify → DeleteKeys', async () => {
    // Alice configures the client with what the administrator gave her.
    expectOk(await alice.run(['config', 'set', 'server', server.url]));
    expectOk(await alice.run(['config', 'set', 'serverKey', 'dss_public.pem']));
    const set = await alice.run(['config', 'set', 'username', 'alice', '--json']);
    expectOk(set);
    expect(set.json()).toEqual({
      key: 'username',
      value: 'alice',
      file: alice.path('config/config.json'),
    });
    expect(statSync(alice.configDir).mode & 0o777).toBe(0o700);
    expect(statSync(alice.path('config/config.json')).mode & 0o777).toBe(0o600);
    expect((await alice.run(['config', 'get', '--json'])).json()).toEqual({
      server: server.url,
      serverKey: alice.path('dss_public.pem'),
      username: 'alice',
    });

    // First login: the temporary password, then the new one, on standard input.
    const first = await alice.run(['login', '--no-agent', '--password-stdin', '--json'], {
      input: `${aliceTemp}\n${ALICE_PASSWORD}\n`,
    });
    expect(first.code).toBe(0);
    expect(first.json()).toEqual({
      username: 'alice',
      server: server.url,
      serverFingerprint: server.identity.fingerprint,
      passwordChanged: true,
      agent: null,
    });
    expect(first.stderr).toMatch(/First login of alice: .*must be changed/);

    // The temporary password is gone; the new one works.
    const old = await alice.run(['login', '--no-agent', '--password-stdin', '--json'], {
      input: `${aliceTemp}\n`,
    });
    expect(old.code).toBe(3);
    expect(old.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
    const again = await alice.run(['login', '--no-agent', '--password-stdin'], {
      input: `${ALICE_PASSWORD}\n`,
    });
    expectOk(again);
    expect(again.stdout).toContain('Logged in as alice');

    const env = { DSS_PASSWORD: ALICE_PASSWORD };
    const created = await alice.run(['keys', 'create', '--json'], { env });
    expectOk(created);
    const key = created.json<{ keyId: string; fingerprint: string; publicKey: string }>();
    expect(key).toMatchObject({
      username: 'alice',
      algorithm: 'ecdsa-p256',
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const twice = await alice.run(['keys', 'create'], { env });
    expect(twice.code).toBe(5);
    expect(twice.stderr).toBe('dss: you already have a key pair (`dss keys show` prints it)\n');

    // SignDoc: a small file goes whole, DER by default, written to FILE.sig.
    const document = Buffer.from('Quarterly report — signed with dss\n'.repeat(50));
    writeFileSync(alice.path('report.txt'), document);
    const signed = await alice.run(['sign', 'report.txt', '--json'], { env });
    expectOk(signed);
    expect(signed.json()).toEqual({
      file: 'report.txt',
      signatureFile: 'report.txt.sig',
      encoding: 'der',
      sentAs: 'document',
      bytes: document.length,
      digest: createHash('sha256').update(document).digest('hex'),
      keyId: key.keyId,
      username: 'alice',
      receiptFile: 'report.txt.sig.receipt.json',
      logIndex: expect.any(Number),
    });
    const p1363 = await alice.run(
      ['sign', 'report.txt', '-o', 'report.p1363', '--encoding', 'p1363'],
      { env },
    );
    expectOk(p1363);
    expect(p1363.stdout).toContain('Signature (P1363): report.p1363');
    expect(readFileSync(alice.path('report.p1363'))).toHaveLength(64);

    // Alice publishes her key; the signature verifies with plain OpenSSL.
    expectOk(await alice.run(['keys', 'show', '--out', 'alice.pem'], { env }));
    expect(readFileSync(alice.path('alice.pem'), 'utf8')).toBe(key.publicKey);
    expect(opensslCli(alice.dir, 'alice.pem', 'report.txt.sig', 'report.txt')).toBe('Verified OK');

    // Bob (first login through DSS_PASSWORD / DSS_NEW_PASSWORD) gets the file and the .sig.
    writeFileSync(bob.path('report.txt'), document);
    writeFileSync(bob.path('report.txt.sig'), readFileSync(alice.path('report.txt.sig')));
    writeFileSync(bob.path('report.p1363'), readFileSync(alice.path('report.p1363')));
    const bobArgs = ['--server', server.url, '--server-key', 'dss_public.pem'];
    const bobFirst = await bob.run(['login', '--no-agent', ...bobArgs, '-u', 'bob'], {
      env: { DSS_PASSWORD: bobTemp, DSS_NEW_PASSWORD: BOB_PASSWORD },
    });
    expectOk({ ...bobFirst, stderr: '' });
    expect(bobFirst.stdout).toContain('Your new password is set.');
    const bobEnv = {
      DSS_SERVER_URL: server.url,
      DSS_SERVER_KEY: bob.path('dss_public.pem'),
      DSS_USER: 'bob',
      DSS_PASSWORD: BOB_PASSWORD,
    };

    // dss verify: fetches alice's key over the secure channel and verifies locally.
    const verified = await bob.run(
      ['verify', 'report.txt', 'report.txt.sig', '--user', 'alice', '--json'],
      { env: bobEnv },
    );
    expectOk(verified);
    expect(verified.json()).toEqual({
      valid: true,
      file: 'report.txt',
      signatureFile: 'report.txt.sig',
      encoding: 'der',
      signer: 'alice',
      keyFingerprint: key.fingerprint,
    });
    const verifiedP1363 = await bob.run(
      ['verify', 'report.txt', 'report.p1363', '--user', 'alice'],
      { env: bobEnv },
    );
    expectOk(verifiedP1363);
    expect(verifiedP1363.stdout).toContain(
      "Verified OK: report.txt is signed by alice's key (P1363).",
    );

    // Bob keeps alice's public key and checks with OpenSSL, and offline with --key.
    const shown = await bob.run(['keys', 'show', 'alice', '--out', 'alice.pem', '--json'], {
      env: bobEnv,
    });
    expectOk(shown);
    expect(shown.json()).toMatchObject({ username: 'alice', fingerprint: key.fingerprint });
    expect(opensslCli(bob.dir, 'alice.pem', 'report.txt.sig', 'report.txt')).toBe('Verified OK');
    expectOk(await bob.run(['verify', 'report.txt', 'report.txt.sig', '--key', 'alice.pem']));

    // A changed file does not verify: exit 1, for dss and for OpenSSL alike.
    writeFileSync(bob.path('tampered.txt'), Buffer.concat([document, Buffer.from('!')]));
    const tampered = await bob.run([
      'verify',
      'tampered.txt',
      'report.txt.sig',
      '--key',
      'alice.pem',
    ]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toBe('');
    expect(tampered.stderr).toMatch(/^dss: signature does NOT verify: tampered\.txt /);
    const tamperedJson = await bob.run(
      ['verify', 'tampered.txt', 'report.txt.sig', '--user', 'alice', '--json'],
      { env: bobEnv },
    );
    expect(tamperedJson.code).toBe(1);
    expect(tamperedJson.json()).toMatchObject({ valid: false, signer: 'alice' });
    expect(opensslCli(bob.dir, 'alice.pem', 'report.txt.sig', 'tampered.txt')).toBe(
      'Verification failure',
    );

    // DeleteKeys: refused without confirmation when nobody can answer, done with --yes.
    const unconfirmed = await alice.run(['keys', 'delete'], { env });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toBe(
      'dss: refusing to delete the key pair without confirmation: pass --yes\n',
    );
    const deleted = await alice.run(['keys', 'delete', '--yes', '--json'], { env });
    expectOk(deleted);
    expect(deleted.json()).toEqual({
      username: 'alice',
      fingerprint: key.fingerprint,
      keyId: key.keyId,
      deleted: true,
    });

    // The key never signs again; a new one needs an administrator; nobody can fetch it.
    const noKey = await alice.run(['sign', 'report.txt', '--json'], { env });
    expect(noKey.code).toBe(4);
    expect(noKey.json()).toEqual({
      error: {
        code: 'no_key',
        message:
          'no active key pair: create one with `dss keys create` (if you deleted yours, ask your administrator to allow a new key)',
      },
    });
    const recreate = await alice.run(['keys', 'create'], { env });
    expect(recreate.code).toBe(5);
    expect(recreate.stderr).toMatch(
      /^dss: you deleted your key pair: ask your administrator to allow a new key/,
    );
    const gone = await bob.run(['keys', 'show', 'alice'], { env: bobEnv });
    expect(gone.code).toBe(4);
    expect(gone.stderr).toBe('dss: alice has no active key pair (or there is no such user)\n');
    expect((await alice.run(['keys', 'delete', '--yes'], { env })).code).toBe(4);
    // Alice's saved public key still checks what she signed before.
    expectOk(await bob.run(['verify', 'report.txt', 'report.txt.sig', '--key', 'alice.pem']));

    // passwd for scripts: current then new password on standard input.
    const changed = await bob.run(['passwd', '--password-stdin', '--json'], {
      env: { ...bobEnv, DSS_PASSWORD: undefined },
      input: `${BOB_PASSWORD}\nbob-switched-to-another-phrase-3\n`,
    });
    expectOk(changed);
    expect(changed.json()).toEqual({ username: 'bob', changed: true });
    expect((await bob.run(['login', '--no-agent'], { env: bobEnv })).code).toBe(3);
    expectOk(
      await bob.run(['login', '--no-agent'], {
        env: { ...bobEnv, DSS_PASSWORD: 'bob-switched-to-another-phrase-3' },
      }),
    );
  }, 120_000);

  it('signs a 200 MB file by its digest, streaming it: the CLI stays far below the file size', async () => {
    const dave = new Workstation(server, 'dave');
    const env = {
      DSS_SERVER_URL: server.url,
      DSS_SERVER_KEY: server.identity.fingerprint, // pinned by fingerprint this time
      DSS_USER: 'dave',
      DSS_PASSWORD: 'dave-signs-very-large-files-77',
    };
    try {
      const temporary = await registerUser(server, 'dave');
      expectOk(
        await dave
          .run(['keys', 'create'], {
            env: { ...env, DSS_PASSWORD: temporary, DSS_NEW_PASSWORD: env.DSS_PASSWORD },
          })
          .then((r) => ({ ...r, stderr: '' })),
      );

      const size = 200 * 1024 * 1024;
      const block = randomBytes(1024 * 1024);
      const hash = createHash('sha256');
      const fd = openSync(dave.path('big.bin'), 'w');
      try {
        for (let written = 0; written < size; written += block.length) {
          writeSync(fd, block);
          hash.update(block);
        }
      } finally {
        closeSync(fd);
      }

      const run = await runDssMeasured(['sign', 'big.bin', '--json'], {
        cwd: dave.dir,
        env: { ...dave.env, ...env },
      });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.json()).toMatchObject({
        sentAs: 'digest',
        bytes: size,
        digest: hash.digest('hex'),
        signatureFile: 'big.bin.sig',
      });
      // A resource bound, not a timing: reading the file whole would take more than 200 MB.
      console.log(`dss sign of a 200 MB file: max RSS ${run.maxRssKiB} KiB`);
      expect(run.maxRssKiB).toBeGreaterThan(0);
      expect(run.maxRssKiB).toBeLessThan(150 * 1024);

      expectOk(await dave.run(['keys', 'show', '--out', 'dave.pem'], { env }));
      expect(opensslCli(dave.dir, 'dave.pem', 'big.bin.sig', 'big.bin')).toBe('Verified OK');
      // dss verify streams it too.
      expectOk(await dave.run(['verify', 'big.bin', 'big.bin.sig', '--key', 'dave.pem']));
    } finally {
      dave.remove();
    }
  }, 180_000);
});
