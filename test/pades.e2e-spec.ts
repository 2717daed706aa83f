/**
 * PAdES baseline B-T (ETSI EN 319 142-1) end to end: `dss sign FILE.pdf --format pades` prepares
 * the PDF here and sends only a digest; the signed PDF is checked with poppler's `pdfsig`, with
 * and without the DSS CA in an NSS database made by `certutil`, and with `dss verify`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { expectOk, type Workstation, workstationWithKeys } from './support/cli';
import { startDss, type RunningDss } from './support/dss-server';
import { onePagePdf } from './support/pdf';

const PASSWORD = 'orchard-lantern-47-quietly';

/** A PDF of several pages made by pdf-lib, saved with object and cross-reference streams. */
async function multiPagePdf(pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) {
    doc
      .addPage()
      .drawText(`Annual report, page ${n} of ${pages}`, { x: 72, y: 720, size: 18, font });
  }
  return Buffer.from(await doc.save({ useObjectStreams: true }));
}

function pdfsig(args: string[], cwd: string): string {
  const r = spawnSync('pdfsig', args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: cwd },
  });
  return `${r.stdout}${r.stderr}`;
}

describe('PAdES: dss sign --format pades, checked with pdfsig and dss verify (e2e)', () => {
  let server: RunningDss;
  let dana: Workstation;
  const env = { DSS_PASSWORD: PASSWORD };

  beforeAll(async () => {
    server = await startDss({ env: { DSS_LOGIN_RATE_LIMIT: '0' } });
    dana = await workstationWithKeys(
      server,
      'dana',
      { fullName: 'Dana Okafor', email: 'dana@example.org' },
      PASSWORD,
    );
    writeFileSync(
      dana.path('dss-ca.pem'),
      await (await fetch(`${server.url}/v1/ca/certificate`)).text(),
    );
    // The recipient's NSS database, trusting the DSS CA for signing (C) and as an issuer (T).
    mkdirSync(dana.path('nssdb'));
    const nss = (args: string[]) =>
      spawnSync('certutil', args, { cwd: dana.dir, encoding: 'utf8' });
    expect(nss(['-N', '-d', 'sql:nssdb', '--empty-password']).status).toBe(0);
    expect(
      nss(['-A', '-n', 'dss', '-t', 'CT,C,C', '-i', 'dss-ca.pem', '-d', 'sql:nssdb']).status,
    ).toBe(0);
  });
  afterAll(async () => {
    dana?.remove();
    await server?.close();
  });

  it('a hand-written one-page PDF: pdfsig says valid, and trusted with the DSS CA in NSS', async () => {
    writeFileSync(dana.path('report.pdf'), onePagePdf('Quarterly figures approved'));
    const signed = await dana.run(
      ['sign', 'report.pdf', '--format', 'pades', '-o', 'report-signed.pdf', '--json'],
      { env },
    );
    expectOk(signed);
    expect(signed.json()).toMatchObject({
      file: 'report.pdf',
      signedFile: 'report-signed.pdf',
      format: 'pades',
      username: 'dana',
    });

    const plain = pdfsig(['report-signed.pdf'], dana.dir);
    expect(plain).toContain('Signature Type: ETSI.CAdES.detached');
    expect(plain).toContain('Signer Certificate Common Name: Dana Okafor');
    expect(plain).toContain('Signature Validation: Signature is Valid.');
    expect(plain).toContain('Total document signed');
    // No trust anchor yet: the signature is intact, its issuer unknown.
    expect(plain).not.toContain('Certificate is Trusted');

    const trusted = pdfsig(['-nssdir', 'sql:nssdb', 'report-signed.pdf'], dana.dir);
    expect(trusted).toContain('Signature Validation: Signature is Valid.');
    expect(trusted).toContain('Certificate Validation: Certificate is Trusted.');

    const verified = await dana.run(['verify', 'report-signed.pdf', '--json'], { env });
    expectOk(verified);
    expect(verified.json()).toMatchObject({
      valid: true,
      format: 'pades',
      signatures: 1,
      signer: { name: 'Dana Okafor', email: 'dana@example.org' },
      signedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      claimedSigningTime: null,
      revokedAt: null,
      failure: null,
    });
    const text = await dana.run(['verify', 'report-signed.pdf'], { env });
    expectOk(text);
    expect(text.stdout).toContain(
      'Verified OK: report-signed.pdf is signed by Dana Okafor <dana@example.org> (PAdES).',
    );
    expect(text.stdout).toMatch(/Signed at: {3}\S+Z \(timestamp from .*Time-Stamping/);
  });

  it('a multi-page PDF with cross-reference streams signs and verifies in pdfsig and dss verify', async () => {
    writeFileSync(dana.path('annual.pdf'), await multiPagePdf(5));
    expectOk(await dana.run(['sign', 'annual.pdf', '--format', 'pades'], { env }));
    const out = pdfsig(['-nssdir', 'sql:nssdb', 'annual-signed.pdf'], dana.dir);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Certificate Validation: Certificate is Trusted.');
    expect(out).toContain('Total document signed');
    const pages = spawnSync('pdfinfo', ['annual-signed.pdf'], { cwd: dana.dir, encoding: 'utf8' });
    expect(pages.stdout).toMatch(/Pages:\s+5/);
    expectOk(await dana.run(['verify', 'annual-signed.pdf'], { env }));
  });

  it('one changed byte in the signed range: pdfsig says invalid, dss verify exits 1 (content_changed)', async () => {
    const signed = readFileSync(dana.path('report-signed.pdf'));
    const at = signed.indexOf('Quarterly');
    expect(at).toBeGreaterThan(0);
    const tampered = Buffer.from(signed);
    tampered[at] = 'q'.charCodeAt(0);
    writeFileSync(dana.path('tampered.pdf'), tampered);

    const out = pdfsig(['-nssdir', 'sql:nssdb', 'tampered.pdf'], dana.dir);
    expect(out).not.toContain('Signature is Valid');
    expect(out).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);

    const verified = await dana.run(['verify', 'tampered.pdf', '--json'], { env });
    expect(verified.code).toBe(1);
    expect(verified.json()).toMatchObject({
      valid: false,
      failure: { code: 'content_changed' },
      signer: { name: 'Dana Okafor' },
    });
    const text = await dana.run(['verify', 'tampered.pdf'], { env });
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(
      /^dss: signature does NOT verify: the content is not what was signed/,
    );

    // Bytes appended after signing are outside the signature: not the signed document.
    writeFileSync(dana.path('appended.pdf'), Buffer.concat([signed, Buffer.from('\n% added\n')]));
    const appended = await dana.run(['verify', 'appended.pdf', '--json'], { env });
    expect(appended.code).toBe(1);
    expect(appended.json()).toMatchObject({ failure: { code: 'content_changed' } });
  });

  it('refuses what it cannot sign with exit 2 and a clear message', async () => {
    writeFileSync(dana.path('notes.txt'), 'not a PDF\n');
    const notPdf = await dana.run(['sign', 'notes.txt', '--format', 'pades'], { env });
    expect(notPdf.code).toBe(2);
    expect(notPdf.stderr).toMatch(/^dss: notes\.txt is not a PDF/);

    const again = await dana.run(['sign', 'report-signed.pdf', '--format', 'pades'], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already signed/);

    const unsigned = await dana.run(['verify', 'report.pdf'], { env });
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toMatch(/report\.pdf has no signature/);
  });
});
