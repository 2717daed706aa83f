/**
 * `dss verify` on CMS signatures and signed PDFs, end to end with the built CLI: the CA chain and
 * CRL come over the pinned secure channel; the answer names the signer and the timestamp's time,
 * and a changed file, a revoked key (after DeleteKeys) or a stranger's CA each fail with exit 1
 * and a stable reason code.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { expectOk, type Workstation, workstationWithKeys } from './support/cli';
import { startDss, type RunningDss } from './support/dss-server';
import { onePagePdf } from './support/pdf';

const PASSWORD = 'orchard-lantern-47-quietly';

describe('dss verify: CMS and PAdES against the DSS CA, its CRL and the timestamp (e2e)', () => {
  let server: RunningDss;
  let other: RunningDss;
  let erin: Workstation;
  const env = { DSS_PASSWORD: PASSWORD };

  beforeAll(async () => {
    [server, other] = await Promise.all([
      startDss({ env: { DSS_LOGIN_RATE_LIMIT: '0', DSS_CERT_ORGANIZATION: 'Example Org' } }),
      startDss(),
    ]);
    erin = await workstationWithKeys(
      server,
      'erin',
      { fullName: 'Erin Castellano', email: 'erin@example.org' },
      PASSWORD,
    );
    writeFileSync(erin.path('contract.txt'), 'We agree to the terms.\n'.repeat(200));
    writeFileSync(erin.path('order.pdf'), onePagePdf('Purchase order 4711'));
    expectOk(await erin.run(['sign', 'contract.txt', '--format', 'cms'], { env }));
    expectOk(await erin.run(['sign', 'order.pdf', '--format', 'pades'], { env }));
  });
  afterAll(async () => {
    erin?.remove();
    await Promise.all([server?.close(), other?.close()]);
  });

  it('a good CMS: exit 0, who signed, the timestamp, the claimed time; no login needed', async () => {
    // No password in the environment: the CA chain and CRL need a handshake, not a login.
    const run = await erin.run(['verify', 'contract.txt', 'contract.txt.p7s', '--json']);
    expectOk(run);
    const answer = run.json<Record<string, unknown>>();
    expect(answer).toMatchObject({
      valid: true,
      file: 'contract.txt',
      signatureFile: 'contract.txt.p7s',
      format: 'cms',
      signer: {
        name: 'Erin Castellano',
        email: 'erin@example.org',
        subject: 'O=Example Org, CN=Erin Castellano',
        issuer: expect.stringContaining('CN=DSS Certificate Authority'),
      },
      timestampAuthority: expect.stringContaining('Time-Stamping'),
      revokedAt: null,
      failure: null,
    });
    const signedAt = Date.parse(answer.signedAt as string);
    const claimed = Date.parse(answer.claimedSigningTime as string);
    expect(Math.abs(signedAt - claimed)).toBeLessThan(5_000);

    const text = await erin.run(['verify', 'contract.txt', 'contract.txt.p7s']);
    expectOk(text);
    expect(text.stdout).toContain(
      'Verified OK: contract.txt is signed by Erin Castellano <erin@example.org> (CMS).',
    );
    expect(text.stdout).toContain('Revocation:  not revoked');
  });

  it('changed content: exit 1, content_changed, and the signer is still named', async () => {
    writeFileSync(erin.path('forged.txt'), 'We do not agree.\n');
    const run = await erin.run(['verify', 'forged.txt', 'contract.txt.p7s', '--json']);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      valid: false,
      failure: { code: 'content_changed' },
      signer: { name: 'Erin Castellano' },
    });
    const text = await erin.run(['verify', 'forged.txt', 'contract.txt.p7s']);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(
      /^dss: signature does NOT verify: the content is not what was signed: it was changed after signing/,
    );
  });

  it('a changed signature value: exit 1, bad_signature', async () => {
    const cms = readFileSync(erin.path('contract.txt.p7s'));
    // SignerInfo fields sit at depth 5: the signature is the OCTET STRING before unsignedAttrs [1].
    const dump = spawnSync('openssl', ['asn1parse', '-inform', 'DER', '-in', 'contract.txt.p7s'], {
      cwd: erin.dir,
      encoding: 'utf8',
    }).stdout.split('\n');
    const unsigned = dump.findIndex((l) => /d=5 .*cont \[ 1 \]/.test(l));
    const sigLine = dump
      .slice(0, unsigned)
      .reverse()
      .find((l) => /d=5 .*OCTET STRING/.test(l))!;
    const [, offset, header] = /^\s*(\d+):d=\d+\s+hl=(\d+)/.exec(sigLine)!;
    const changed = Buffer.from(cms);
    const at = Number(offset) + Number(header) + 10;
    changed[at] ^= 0x01;
    writeFileSync(erin.path('changed.p7s'), changed);
    const run = await erin.run(['verify', 'contract.txt', 'changed.p7s', '--json']);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ failure: { code: 'bad_signature' } });
  });

  it('checked against another DSS: exit 1, its CA vouches for neither the timestamp nor the signer', async () => {
    // The same workstation pointed at another DSS: its CA did not issue erin's certificate.
    const run = await erin.run(
      [
        'verify',
        'contract.txt',
        'contract.txt.p7s',
        '--json',
        '--server',
        other.url,
        '--server-key',
        `${other.database.dataDir}/dss_public.pem`,
      ],
      {},
    );
    expect(run.code).toBe(1);
    // The timestamp is checked first (its time is when the chain must hold): its TSA fails.
    expect(run.json()).toMatchObject({
      valid: false,
      failure: {
        code: 'timestamp_invalid',
        message: expect.stringContaining('does not chain to a trusted CA'),
      },
    });
  });

  it('after DeleteKeys: the CMS and the PDF fail as revoked, saying when', async () => {
    expectOk(await erin.run(['keys', 'delete', '--yes'], { env }));
    const cms = await erin.run(['verify', 'contract.txt', 'contract.txt.p7s', '--json']);
    expect(cms.code).toBe(1);
    const answer = cms.json<{
      failure: { code: string; message: string };
      revokedAt: string;
      signedAt: string;
    }>();
    expect(answer.failure.code).toBe('revoked');
    expect(Date.parse(answer.revokedAt)).toBeGreaterThanOrEqual(Date.parse(answer.signedAt));
    expect(answer.failure.message).toContain(`was revoked at ${answer.revokedAt}`);
    expect(answer.failure.message).toContain('the key was deleted');

    const pdf = await erin.run(['verify', 'order-signed.pdf']);
    expect(pdf.code).toBe(1);
    expect(pdf.stderr).toMatch(
      /^dss: signature does NOT verify: the signer's certificate .* was revoked at \S+Z/,
    );
    expect(pdf.stderr).toContain('Revoked at:');
  });

  it('keeps the raw path: neither --user nor --key for a raw signature is a usage error', async () => {
    writeFileSync(erin.path('tiny.sig'), Buffer.alloc(70, 1));
    const run = await erin.run(['verify', 'contract.txt', 'tiny.sig']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/give exactly one of --user NAME .* or --key FILE\.pem/);
    const receipt = await erin.run(['verify', 'contract.txt', 'contract.txt.p7s', '--receipt']);
    expect(receipt.code).toBe(2);
    expect(receipt.stderr).toMatch(/apply to raw signatures only/);
  });
});
