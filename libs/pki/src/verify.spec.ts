/**
 * `checkDetachedCms`: each check of the order documented in docs/SIGNATURES.md ("With dss"),
 * on CMS signatures made by libs/pki at set times, and a property: whatever bytes it is given,
 * it answers, never throws.
 */
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import {
  createRootCertificate,
  generatePkiKey,
  issueCrl,
  issueTsaCertificate,
  issueUserCertificate,
  type PkiSigner,
  randomSerial,
} from './authority';
import { buildDetachedCms } from './cms';
import { OID } from './oids';
import { createTimestampToken } from './timestamp';
import * as pkijs from 'pkijs';
import { checkDetachedCms, SignatureCheckFailure, type TrustMaterial } from './verify';

const DAY = 86_400_000;
const T0 = new Date('2026-03-02T09:00:00Z');
const template = { organization: 'Example Org' };
const CRL_URL = 'http://dss.example.org/v1/ca/crl';

async function makeCa(name: string): Promise<PkiSigner> {
  const { pkcs8, keys } = await generatePkiKey();
  const certificate = await createRootCertificate({
    keys,
    commonName: name,
    template,
    now: T0,
    validityDays: 365,
  });
  return { certificate, chain: [], privateKey: keys.privateKey, pkcs8 };
}

describe('checkDetachedCms', () => {
  let ca: PkiSigner;
  let stranger: PkiSigner;
  let serial: string;
  let userCert: Buffer;
  let signWithUser: (data: Buffer) => Buffer;
  let stamp: (digest: Buffer, at: Date) => Promise<Buffer>;
  const content = Buffer.from('the signed minutes\n');
  const digest = createHash('sha256').update(content).digest();

  const trust = async (
    crlRevoked: { serial: string; revokedAt: Date }[] = [],
    crlIssuer: PkiSigner = ca,
  ): Promise<TrustMaterial> => ({
    anchors: [new Uint8Array(ca.certificate.rawData)],
    intermediates: [],
    crl: new Uint8Array(
      (
        await issueCrl({
          ca: crlIssuer,
          crlNumber: 1,
          thisUpdate: T0,
          nextUpdate: new Date(T0.getTime() + DAY),
          revoked: crlRevoked,
        })
      ).rawData,
    ),
  });

  const cmsAt = async (at: Date | null): Promise<Buffer> =>
    (
      await buildDetachedCms({
        certificate: userCert,
        chain: [Buffer.from(ca.certificate.rawData)],
        contentDigest: digest,
        sign: signWithUser,
        ...(at ? { timestamp: (d: Buffer) => stamp(d, at) } : {}),
      })
    ).der;

  beforeAll(async () => {
    [ca, stranger] = await Promise.all([makeCa('DSS Test CA'), makeCa('DSS Test CA')]);
    const user = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    serial = randomSerial();
    const cert = await issueUserCertificate({
      ca,
      publicKeySpki: user.publicKey.export({ type: 'spki', format: 'der' }),
      user: { username: 'alice', fullName: 'Alice Martin', email: 'alice@example.org' },
      template,
      serial,
      now: T0,
      validityDays: 10,
      crlUrl: CRL_URL,
    });
    userCert = Buffer.from(cert.rawData);
    signWithUser = (data) => sign('sha256', data, user.privateKey);
    const tsaKey = await generatePkiKey();
    const tsaCert = await issueTsaCertificate({
      ca,
      publicKey: tsaKey.keys.publicKey,
      commonName: 'DSS Test TSA',
      template,
      now: T0,
      validityDays: 100,
      crlUrl: CRL_URL,
    });
    const tsaPriv = createPrivateKey({ key: tsaKey.pkcs8, format: 'der', type: 'pkcs8' });
    stamp = async (hashedMessage, at) =>
      (
        await createTimestampToken({
          request: { hashAlgorithm: OID.sha256, hashedMessage, certReq: true },
          signer: {
            certificate: Buffer.from(tsaCert.rawData),
            chain: [Buffer.from(ca.certificate.rawData)],
            sign: (data) => sign('sha256', data, tsaPriv),
          },
          policy: OID.dssTsaPolicy,
          now: at,
        })
      ).token;
  });

  it('a good signature: valid, with the signer and the timestamp’s time', async () => {
    const at = new Date(T0.getTime() + DAY);
    const check = await checkDetachedCms(await cmsAt(at), digest, await trust());
    expect(check.failure).toBeUndefined();
    expect(check.valid).toBe(true);
    expect(check.signer).toMatchObject({
      commonName: 'Alice Martin',
      email: 'alice@example.org',
      serial,
    });
    expect(check.timestamp?.time).toEqual(at);
    expect(check.timestamp?.tsa).toContain('CN=DSS Test TSA');
  });

  it('time-stamp tokens are DER: the TSTInfo is one primitive OCTET STRING (RFC 3161 §2.4.2)', async () => {
    const token = await stamp(digest, T0);
    const info = new pkijs.ContentInfo({
      schema: asn1js.fromBER(new Uint8Array(token).buffer).result,
    });
    const eContent = new pkijs.SignedData({ schema: info.content }).encapContentInfo.eContent!;
    expect(eContent.idBlock.isConstructed).toBe(false);
    expect(
      Buffer.from(eContent.toBER(false)).equals(Buffer.from(eContent.valueBeforeDecodeView)),
    ).toBe(true);
  });

  it('another digest: content_changed, the signer still named', async () => {
    const other = createHash('sha256').update('other').digest();
    const check = await checkDetachedCms(await cmsAt(T0), other, await trust());
    expect(check.failure?.code).toBe(SignatureCheckFailure.ContentChanged);
    expect(check.signer?.commonName).toBe('Alice Martin');
  });

  it('no timestamp: no_timestamp', async () => {
    const check = await checkDetachedCms(await cmsAt(null), digest, await trust());
    expect(check.failure?.code).toBe(SignatureCheckFailure.NoTimestamp);
  });

  it('time-stamped after the certificate expired: not_valid_at_signing_time', async () => {
    const check = await checkDetachedCms(
      await cmsAt(new Date(T0.getTime() + 20 * DAY)),
      digest,
      await trust(),
    );
    expect(check.failure?.code).toBe(SignatureCheckFailure.NotValidAtSigningTime);
  });

  it('revoked: revoked, with the time, and whether the timestamp came first', async () => {
    const revokedAt = new Date(T0.getTime() + 2 * DAY);
    const check = await checkDetachedCms(
      await cmsAt(new Date(T0.getTime() + DAY)),
      digest,
      await trust([{ serial, revokedAt }]),
    );
    expect(check.failure?.code).toBe(SignatureCheckFailure.Revoked);
    expect(check.revokedAt).toEqual(revokedAt);
    expect(check.failure?.message).toContain(`revoked at ${revokedAt.toISOString()}`);
    expect(check.failure?.message).toContain('after this signature was time-stamped');
  });

  it('a CRL signed by another key under the same name: crl_invalid', async () => {
    const check = await checkDetachedCms(
      await cmsAt(T0),
      digest,
      await trust([{ serial, revokedAt: T0 }], stranger),
    );
    expect(check.failure?.code).toBe(SignatureCheckFailure.CrlInvalid);
  });

  it('another CA as anchor: the timestamp, then the signer, are untrusted', async () => {
    const mine = await trust();
    const theirs = { ...mine, anchors: [new Uint8Array(stranger.certificate.rawData)] };
    const cms = await cmsAt(T0);
    expect((await checkDetachedCms(cms, digest, theirs)).failure?.code).toBe(
      SignatureCheckFailure.TimestampInvalid,
    );
    // The TSA trusted on its own (as --tsa-ca does), the signer's chain still fails.
    const tsaOnly = { ...theirs, timestampAnchors: mine.anchors };
    expect((await checkDetachedCms(cms, digest, tsaOnly)).failure?.code).toBe(
      SignatureCheckFailure.Untrusted,
    );
  });

  it('a token over another signature: timestamp_invalid', async () => {
    const cms = await buildDetachedCms({
      certificate: userCert,
      chain: [Buffer.from(ca.certificate.rawData)],
      contentDigest: digest,
      sign: signWithUser,
      timestamp: () => stamp(createHash('sha256').update('another').digest(), T0),
    });
    const check = await checkDetachedCms(cms.der, digest, await trust());
    expect(check.failure?.code).toBe(SignatureCheckFailure.TimestampInvalid);
    expect(check.failure?.message).toMatch(/another signature/);
  });

  it('answers for any byte changed, never throws, and is never valid for a changed signed part', async () => {
    const cms = await cmsAt(T0);
    const material = await trust();
    // The signed attributes and the signature value: from message-digest to the end of the value.
    const from = cms.indexOf(Buffer.from(digest));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: cms.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, xor) => {
          const changed = Buffer.from(cms);
          changed[at] ^= xor;
          const check = await checkDetachedCms(changed, digest, material);
          if (at >= from && at < from + digest.length) expect(check.valid).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
    expect((await checkDetachedCms(Buffer.from('not der'), digest, material)).failure?.code).toBe(
      SignatureCheckFailure.Malformed,
    );
  });
});
