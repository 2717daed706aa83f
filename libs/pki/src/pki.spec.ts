/**
 * libs/pki against the real OpenSSL CLI: what DSS issues must be accepted by stock tools, with
 * OpenSSL's default purpose checks (S/MIME signing for CMS, timestampsign for RFC 3161).
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRootCertificate,
  crlPem,
  generatePkiKey,
  issueCrl,
  issueTsaCertificate,
  issueUserCertificate,
  type PkiSigner,
  randomSerial,
} from './authority';
import { buildDetachedCms } from './cms';
import { OID } from './oids';
import {
  createTimestampToken,
  parseTimestampRequest,
  timestampResponse,
  TsaFailure,
  TsaRejection,
} from './timestamp';

function openssl(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const template = { organization: 'Example Org', organizationalUnit: 'Signing' };
const CRL_URL = 'http://dss.example.org/v1/ca/crl';

async function makeCa(): Promise<PkiSigner> {
  const { pkcs8, keys } = await generatePkiKey();
  const certificate = await createRootCertificate({
    keys,
    commonName: 'DSS Test CA',
    template,
    now: new Date(),
    validityDays: 30,
  });
  return { certificate, chain: [], privateKey: keys.privateKey, pkcs8 };
}

describe('libs/pki with the OpenSSL CLI', () => {
  let dir: string;
  let ca: PkiSigner;
  let userPkcs8: Buffer;
  let userCertDer: Buffer;
  let userSerial: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dss-pki-'));
    ca = await makeCa();
    writeFileSync(join(dir, 'ca.pem'), ca.certificate.toString('pem'));
    const user = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    userPkcs8 = user.privateKey.export({ type: 'pkcs8', format: 'der' });
    userSerial = randomSerial();
    const cert = await issueUserCertificate({
      ca,
      publicKeySpki: user.publicKey.export({ type: 'spki', format: 'der' }),
      user: { username: 'alice', fullName: 'Alice Martin, PhD', email: 'alice@example.org' },
      template,
      serial: userSerial,
      now: new Date(),
      validityDays: 10,
      crlUrl: CRL_URL,
    });
    userCertDer = Buffer.from(cert.rawData);
    writeFileSync(join(dir, 'user.pem'), cert.toString('pem'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('user certificate: subject, SAN, key usages, EKUs, AKI/SKI, CRL DP (openssl x509 -text)', () => {
    const r = openssl(['x509', '-in', 'user.pem', '-noout', '-text'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /Subject: O ?= ?Example Org, OU ?= ?Signing, CN ?= ?"?Alice Martin\\?, PhD"?/,
    );
    expect(r.out).toContain('email:alice@example.org');
    expect(r.out).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(r.out).toMatch(
      /X509v3 Extended Key Usage:\s+E-mail Protection, (1\.3\.6\.1\.5\.5\.7\.3\.36|Document Signing)/,
    );
    expect(r.out).toContain('X509v3 Subject Key Identifier');
    expect(r.out).toContain('X509v3 Authority Key Identifier');
    expect(r.out).toContain(`URI:${CRL_URL}`);
    expect(r.out.toLowerCase().replace(/:/g, '')).toContain(userSerial);
    expect(openssl(['verify', '-CAfile', 'ca.pem', 'user.pem'], dir).code).toBe(0);
  });

  it('a CRL listing the serial makes openssl verify -crl_check answer "certificate revoked"', async () => {
    const crl = await issueCrl({
      ca,
      crlNumber: 2,
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 3600_000),
      revoked: [{ serial: userSerial, revokedAt: new Date() }],
    });
    writeFileSync(join(dir, 'crl.pem'), crlPem(crl.rawData));
    const text = openssl(['crl', '-in', 'crl.pem', '-noout', '-text'], dir);
    expect(text.out).toMatch(/X509v3 CRL Number:\s+2/);
    const r = openssl(
      ['verify', '-crl_check', '-CAfile', 'ca.pem', '-CRLfile', 'crl.pem', 'user.pem'],
      dir,
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('certificate revoked');

    const empty = await issueCrl({
      ca,
      crlNumber: 3,
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 3600_000),
      revoked: [],
    });
    writeFileSync(join(dir, 'crl-empty.pem'), crlPem(empty.rawData));
    const ok = openssl(
      ['verify', '-crl_check', '-CAfile', 'ca.pem', '-CRLfile', 'crl-empty.pem', 'user.pem'],
      dir,
    );
    expect(ok.out).toContain('OK');
    expect(ok.code).toBe(0);
  });

  it('a detached CMS with a timestamp verifies with openssl cms -verify; a changed file fails', async () => {
    const tsaKey = await generatePkiKey();
    const tsaCert = await issueTsaCertificate({
      ca,
      publicKey: tsaKey.keys.publicKey,
      commonName: 'DSS TSA',
      template,
      now: new Date(),
      validityDays: 10,
      crlUrl: CRL_URL,
    });
    const tsaPriv = createPrivateKey({ key: tsaKey.pkcs8, format: 'der', type: 'pkcs8' });
    const userPriv = createPrivateKey({ key: userPkcs8, format: 'der', type: 'pkcs8' });
    const content = Buffer.from('the quarterly report\n');
    writeFileSync(join(dir, 'doc.txt'), content);
    const { der } = await buildDetachedCms({
      certificate: userCertDer,
      chain: [Buffer.from(ca.certificate.rawData)],
      contentDigest: createHash('sha256').update(content).digest(),
      signingTime: new Date(),
      sign: (data) => sign('sha256', data, userPriv),
      timestamp: async (digest) =>
        (
          await createTimestampToken({
            request: { hashAlgorithm: OID.sha256, hashedMessage: digest, certReq: true },
            signer: {
              certificate: Buffer.from(tsaCert.rawData),
              chain: [Buffer.from(ca.certificate.rawData)],
              sign: (data) => sign('sha256', data, tsaPriv),
            },
            policy: OID.dssTsaPolicy,
            now: new Date(),
          })
        ).token,
    });
    writeFileSync(join(dir, 'doc.txt.p7s'), der);
    const verify = (file: string) =>
      openssl(
        [
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          'doc.txt.p7s',
          '-content',
          file,
          '-CAfile',
          'ca.pem',
          '-out',
          '/dev/null',
        ],
        dir,
      );
    const ok = verify('doc.txt');
    expect(ok.out).toContain('Verification successful');
    expect(ok.code).toBe(0);
    writeFileSync(join(dir, 'changed.txt'), Buffer.from('the quarterly report!\n'));
    expect(verify('changed.txt').code).not.toBe(0);
    const printed = openssl(
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'doc.txt.p7s'],
      dir,
    );
    expect(printed.out).toContain('contentType');
    expect(printed.out).toContain('messageDigest');
    expect(printed.out).toMatch(/id-smime-aa-signingCertificateV2|signingCertificateV2/);
    expect(printed.out).toMatch(/id-smime-aa-timeStampToken|timeStampToken/);
  });

  it('RFC 3161: openssl ts -query → token → openssl ts -verify; another file fails', async () => {
    const tsaKey = await generatePkiKey();
    const tsaCert = await issueTsaCertificate({
      ca,
      publicKey: tsaKey.keys.publicKey,
      commonName: 'DSS TSA',
      template,
      now: new Date(),
      validityDays: 10,
      crlUrl: CRL_URL,
    });
    const tsaPriv = createPrivateKey({ key: tsaKey.pkcs8, format: 'der', type: 'pkcs8' });
    writeFileSync(join(dir, 'data.bin'), Buffer.from('stamp me'));
    writeFileSync(join(dir, 'other.bin'), Buffer.from('not me'));
    expect(
      openssl(['ts', '-query', '-data', 'data.bin', '-sha256', '-cert', '-out', 'q.tsq'], dir).code,
    ).toBe(0);
    const { readFileSync } = await import('node:fs');
    const request = parseTimestampRequest(readFileSync(join(dir, 'q.tsq')), OID.dssTsaPolicy);
    const { token } = await createTimestampToken({
      request,
      signer: {
        certificate: Buffer.from(tsaCert.rawData),
        chain: [Buffer.from(ca.certificate.rawData)],
        sign: (data) => sign('sha256', data, tsaPriv),
      },
      policy: OID.dssTsaPolicy,
      now: new Date(),
    });
    writeFileSync(join(dir, 'r.tsr'), timestampResponse({ token }));
    const ok = openssl(
      ['ts', '-verify', '-data', 'data.bin', '-in', 'r.tsr', '-CAfile', 'ca.pem'],
      dir,
    );
    expect(ok.out).toContain('Verification: OK');
    const bad = openssl(
      ['ts', '-verify', '-data', 'other.bin', '-in', 'r.tsr', '-CAfile', 'ca.pem'],
      dir,
    );
    expect(bad.code).not.toBe(0);
    expect(() => parseTimestampRequest(Buffer.from('junk'), OID.dssTsaPolicy)).toThrow(
      TsaRejection,
    );
    writeFileSync(
      join(dir, 'rej.tsr'),
      timestampResponse({ failure: TsaFailure.badAlg, message: 'no' }),
    );
    const rej = openssl(['ts', '-reply', '-in', 'rej.tsr', '-text'], dir);
    expect(rej.out).toMatch(/Status: Rejected/);
    expect(rej.out).toMatch(/unrecognized or unsupported algorithm/i);
  });
});
