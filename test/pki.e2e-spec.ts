/**
 * Signatures the world can check (DESIGN.md §10), end to end against the real service and
 * checked only with stock tools: `openssl x509`, `openssl verify` (with and without the CRL),
 * `openssl cms -verify` with OpenSSL's default purpose check, `openssl ts` through `curl`.
 */
import { AccountsService } from '@dss/accounts';
import { DssClient } from '@dss/client';
import { AuditEventEntity } from '@dss/persistence';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startDss, type RunningDss } from './support/dss-server';

const PASSWORD = 'orchard-lantern-47-quietly';

function run(cmd: string, args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** For tools that call the server in this process: a synchronous spawn would block it. */
function runAsync(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

async function sha256File(path: string): Promise<Buffer> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest();
}

describe('DSS PKI: certificates, CRL, CMS and RFC 3161 with stock tools (e2e)', () => {
  let server: RunningDss;
  let dir: string;
  let alice: DssClient;

  beforeAll(async () => {
    server = await startDss({ env: { DSS_CERT_ORGANIZATION: 'Example Org' } });
    dir = mkdtempSync(join(tmpdir(), 'dss-pki-e2e-'));
    const accounts = server.app.get(AccountsService);
    const { temporaryPassword } = await accounts.register(
      'alice',
      { type: 'operator', name: 'test' },
      { fullName: 'Alice Martin', email: 'alice@example.org' },
    );
    alice = new DssClient({ baseUrl: server.url, serverPublicKey: server.identity.publicKeyPem });
    await alice.handshake();
    await alice.login('alice', temporaryPassword);
    await alice.changePassword(temporaryPassword, PASSWORD);
    await alice.login('alice', PASSWORD);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the CA certificate (PEM) and a CRL (DER) on public routes', async () => {
    const ca = await fetch(`${server.url}/v1/ca/certificate`);
    expect(ca.status).toBe(200);
    expect(ca.headers.get('content-type')).toMatch(/^application\/pem-certificate-chain/);
    writeFileSync(join(dir, 'ca.pem'), await ca.text());
    const text = run('openssl', ['x509', '-in', 'ca.pem', '-noout', '-text'], dir);
    expect(text.out).toMatch(/Subject: O ?= ?Example Org, CN ?= ?DSS Certificate Authority/);
    expect(text.out).toMatch(/CA:TRUE, pathlen:0/);
    expect(text.out).toMatch(/Certificate Sign, CRL Sign/);

    const crl = await fetch(`${server.url}/v1/ca/crl`);
    expect(crl.status).toBe(200);
    expect(crl.headers.get('content-type')).toMatch(/^application\/pkix-crl/);
    writeFileSync(join(dir, 'first.crl'), Buffer.from(await crl.arrayBuffer()));
    const crlText = run(
      'openssl',
      ['crl', '-inform', 'DER', '-in', 'first.crl', '-noout', '-text', '-CAfile', 'ca.pem'],
      dir,
    );
    expect(crlText.out).toContain('verify OK');
    expect(crlText.out).toContain('No Revoked Certificates');
  });

  it('CreateKeys issues a certificate that openssl reads and verifies; GetPublicKey returns it', async () => {
    const key = await alice.createKeys();
    expect(key.certificate).toContain('BEGIN CERTIFICATE');
    writeFileSync(join(dir, 'alice.pem'), key.certificate!);
    const text = run('openssl', ['x509', '-in', 'alice.pem', '-noout', '-text'], dir);
    expect(text.out).toMatch(/Subject: O ?= ?Example Org, CN ?= ?Alice Martin/);
    expect(text.out).toContain('email:alice@example.org');
    expect(text.out).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(text.out).toMatch(/E-mail Protection, (1\.3\.6\.1\.5\.5\.7\.3\.36|Document Signing)/);
    expect(text.out).toContain('X509v3 Subject Key Identifier');
    expect(text.out).toContain('X509v3 Authority Key Identifier');
    expect(text.out).toContain(`URI:${server.config.publicUrl}/v1/ca/crl`);
    // The certificate is for the key that was created.
    const pub = run('openssl', ['x509', '-in', 'alice.pem', '-noout', '-pubkey'], dir);
    expect(pub.out.trim()).toBe(key.publicKey.trim());
    const verified = run('openssl', ['verify', '-CAfile', 'ca.pem', 'alice.pem'], dir);
    expect(verified.out).toContain('alice.pem: OK');

    const shown = await alice.getPublicKey();
    expect(shown.certificate).toBe(key.certificate);
  });

  it('format cms: openssl cms -verify accepts it (default purpose), rejects a changed file, prints the attributes and the token', async () => {
    const content = Buffer.from('The quarterly report, signed by DSS.\n');
    writeFileSync(join(dir, 'report.txt'), content);
    const signed = await alice.signCms({ document: content });
    writeFileSync(join(dir, 'report.txt.p7s'), signed.cms);
    const verify = (file: string) =>
      run(
        'openssl',
        [
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          'report.txt.p7s',
          '-content',
          file,
          '-CAfile',
          'ca.pem',
          '-out',
          '/dev/null',
        ],
        dir,
      );
    const ok = verify('report.txt');
    expect(ok.out).toContain('Verification successful');
    expect(ok.code).toBe(0);
    writeFileSync(join(dir, 'changed.txt'), Buffer.from('The quarterly report, signed by DSS!\n'));
    const bad = verify('changed.txt');
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/digest failure|Verification failure/);

    const printed = run(
      'openssl',
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'report.txt.p7s'],
      dir,
    ).out;
    expect(printed).toContain('contentType');
    expect(printed).toContain('messageDigest');
    expect(printed).toContain('signingTime');
    expect(printed).toMatch(/signingCertificateV2/);
    expect(printed).toMatch(/timeStampToken/);

    // The embedded token is an RFC 3161 token over the signature value, from DSS's TSA.
    const dumped = run(
      'openssl',
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'report.txt.p7s'],
      dir,
    );
    expect(dumped.code).toBe(0);
  });

  it('format cms in digest mode: a 200 MB file verifies with openssl cms -verify', async () => {
    const big = join(dir, 'big.bin');
    // Sparse: 200 MB of zeros but a few bytes, made instantly.
    const fd = openSync(big, 'w');
    writeSync(fd, Buffer.from('head'), 0, 4, 0);
    writeSync(fd, Buffer.from('tail'), 0, 4, 200 * 1024 * 1024 - 4);
    closeSync(fd);
    const digest = await sha256File(big);
    const signed = await alice.signCms({ digest });
    expect(signed.digest.equals(digest)).toBe(true);
    writeFileSync(join(dir, 'big.bin.p7s'), signed.cms);
    const ok = run(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        'big.bin.p7s',
        '-content',
        'big.bin',
        '-CAfile',
        'ca.pem',
        '-out',
        '/dev/null',
      ],
      dir,
    );
    expect(ok.out).toContain('Verification successful');
    rmSync(big);
  });

  it('POST /v1/tsa: openssl ts -query | curl | openssl ts -verify; other data fails; errors answer codes', async () => {
    writeFileSync(join(dir, 'stamp.txt'), Buffer.from('stamp this'));
    writeFileSync(join(dir, 'other.txt'), Buffer.from('not this'));
    expect(
      run(
        'openssl',
        ['ts', '-query', '-data', 'stamp.txt', '-sha256', '-cert', '-out', 'q.tsq'],
        dir,
      ).code,
    ).toBe(0);
    const posted = await runAsync(
      'curl',
      [
        '-sS',
        '-o',
        'r.tsr',
        '-w',
        '%{http_code} %{content_type}',
        '-H',
        'Content-Type: application/timestamp-query',
        '--data-binary',
        '@q.tsq',
        `${server.url}/v1/tsa`,
      ],
      dir,
    );
    expect(posted.out).toBe('200 application/timestamp-reply');
    const ok = run(
      'openssl',
      ['ts', '-verify', '-data', 'stamp.txt', '-in', 'r.tsr', '-CAfile', 'ca.pem'],
      dir,
    );
    expect(ok.out).toContain('Verification: OK');
    const other = run(
      'openssl',
      ['ts', '-verify', '-data', 'other.txt', '-in', 'r.tsr', '-CAfile', 'ca.pem'],
      dir,
    );
    expect(other.code).not.toBe(0);
    const tsaText = run('openssl', ['ts', '-reply', '-in', 'r.tsr', '-text'], dir).out;
    expect(tsaText).toContain('Status: Granted');

    const wrongType = await fetch(`${server.url}/v1/tsa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });

    const junk = await fetch(`${server.url}/v1/tsa`, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: Buffer.from('not DER at all'),
    });
    expect(junk.status).toBe(200);
    writeFileSync(join(dir, 'junk.tsr'), Buffer.from(await junk.arrayBuffer()));
    expect(run('openssl', ['ts', '-reply', '-in', 'junk.tsr', '-text'], dir).out).toMatch(
      /Status: Rejected[\s\S]*wrong format/i,
    );
  });

  it('DeleteKeys revokes the certificate: openssl verify -crl_check says "certificate revoked"', async () => {
    await alice.deleteKeys();
    const crl = await fetch(`${server.url}/v1/ca/crl`);
    writeFileSync(join(dir, 'crl.der'), Buffer.from(await crl.arrayBuffer()));
    expect(
      run('openssl', ['crl', '-inform', 'DER', '-in', 'crl.der', '-out', 'crl.pem'], dir).code,
    ).toBe(0);
    const r = run(
      'openssl',
      ['verify', '-crl_check', '-CAfile', 'ca.pem', '-CRLfile', 'crl.pem', 'alice.pem'],
      dir,
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('certificate revoked');
    const text = run('openssl', ['crl', '-in', 'crl.pem', '-noout', '-text'], dir).out;
    expect(text).toMatch(/Revocation Date/);
    expect(text).toMatch(/Cessation Of Operation/);
  });

  it('audits CA creation, certificate issuance and revocation, CRLs and timestamps', async () => {
    const events = await server.app.get(DataSource).getRepository(AuditEventEntity).find();
    const actions = new Set(events.map((e) => e.action));
    for (const action of [
      'pki.ca_created',
      'pki.certificate_issued',
      'pki.certificate_revoked',
      'pki.crl_issued',
      'pki.timestamp_issued',
    ]) {
      expect(actions).toContain(action);
    }
  });
});

describe('POST /v1/tsa rate limit (e2e)', () => {
  it('answers 429 rate_limited with retryAfterSeconds past the per-address rate', async () => {
    const server = await startDss({ env: { DSS_TSA_RATE_LIMIT: '1' } });
    try {
      const query = () =>
        fetch(`${server.url}/v1/tsa`, {
          method: 'POST',
          headers: { 'content-type': 'application/timestamp-query' },
          body: Buffer.from('0'),
        });
      expect((await query()).status).toBe(200);
      const limited = await query();
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({
        error: { code: 'rate_limited', retryAfterSeconds: expect.any(Number) },
      });
    } finally {
      await server.close();
    }
  });
});
