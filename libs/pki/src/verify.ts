import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { createHash, timingSafeEqual } from 'node:crypto';
import * as pkijs from 'pkijs';
import { OID } from './oids';

/**
 * Why a signature does not verify; stable codes (`dss verify --json` prints them, and
 * docs/SIGNATURES.md lists them).
 */
export enum SignatureCheckFailure {
  /** Not a CMS SignedData DSS can check (parse error, no signer certificate, attached content). */
  Malformed = 'malformed',
  /** The message-digest attribute is not the digest of the content: changed after signing. */
  ContentChanged = 'content_changed',
  /** The signature value does not verify with the signer certificate's key. */
  BadSignature = 'bad_signature',
  /** No signature timestamp: when the signature was made cannot be shown (B-T needs one). */
  NoTimestamp = 'no_timestamp',
  /** The timestamp token is invalid, for another signature, or not from a TSA of the CA. */
  TimestampInvalid = 'timestamp_invalid',
  /** The signer's certificate was outside its validity at the timestamp's time. */
  NotValidAtSigningTime = 'not_valid_at_signing_time',
  /** The signer's certificate does not chain to the trusted CA. */
  Untrusted = 'untrusted',
  /** The CRL is not signed by the signer's issuer. */
  CrlInvalid = 'crl_invalid',
  /** The CRL lists the signer's certificate: its key was deleted. */
  Revoked = 'revoked',
}

/** What a verifier trusts, from the DSS server over the pinned channel (or a recipient's own copy). */
export interface TrustMaterial {
  /** Trust anchors (DER): the top of the DSS CA's chain — the DSS CA itself or a corporate root. */
  anchors: Uint8Array[];
  /** Certificates that may complete a path (DER): the DSS CA under a corporate root. */
  intermediates: Uint8Array[];
  /** The DSS CA's current CRL (DER). */
  crl: Uint8Array;
  /**
   * More anchors for the signature timestamp only (DER): the root of an outside TSA that
   * `DSS_TSA_URL` names. The DSS anchors are always accepted too.
   */
  timestampAnchors?: Uint8Array[];
}

/** The signer as its certificate names them. */
export interface SignerSummary {
  subject: string;
  commonName: string | null;
  email: string | null;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/** The outcome of {@link checkDetachedCms}: what was learnt, and the first check that failed. */
export interface SignatureCheck {
  valid: boolean;
  failure?: { code: SignatureCheckFailure; message: string };
  signer?: SignerSummary;
  /** The signature timestamp: the proven time of signing (RFC 3161 genTime) and its TSA. */
  timestamp?: { time: Date; tsa: string; serial: string };
  /** The signing-time attribute, when present: the time the signer's side claimed. */
  claimedSigningTime?: Date;
  /** When the signer's certificate was revoked (DeleteKeys), from the CRL. */
  revokedAt?: Date;
}

class CheckFailed extends Error {
  constructor(
    readonly code: SignatureCheckFailure,
    message: string,
  ) {
    super(message);
  }
}

/** pkijs' crypto engine: Node's global WebCrypto (OpenSSL underneath). */
const engine = (): pkijs.ICryptoEngine => pkijs.getCrypto(true);

function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

function parseDer<T>(der: Uint8Array, what: string, make: (schema: asn1js.AsnType) => T): T {
  try {
    const parsed = asn1js.fromBER(toArrayBuffer(der));
    if (parsed.offset === -1) throw new Error(parsed.result.error);
    return make(parsed.result);
  } catch (err) {
    throw new CheckFailed(
      SignatureCheckFailure.Malformed,
      `${what} is not valid DER: ${(err as Error).message}`,
    );
  }
}

function certificateOf(der: Uint8Array, what: string): pkijs.Certificate {
  return parseDer(der, what, (schema) => new pkijs.Certificate({ schema }));
}

function derOf(cert: pkijs.Certificate): Buffer {
  return Buffer.from(cert.toSchema(true).toBER(false));
}

function summaryOf(cert: pkijs.Certificate): SignerSummary {
  const c = new x509.X509Certificate(derOf(cert));
  const san = c.getExtension(x509.SubjectAlternativeNameExtension);
  const email = san?.names.items.find((n) => n.type === 'email')?.value ?? null;
  return {
    subject: c.subject,
    commonName: c.subjectName.getField('CN')[0] ?? null,
    email,
    issuer: c.issuer,
    serial: c.serialNumber.toLowerCase(),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
  };
}

function attribute(
  attrs: pkijs.SignedAndUnsignedAttributes | undefined,
  type: string,
): asn1js.AsnType | undefined {
  return attrs?.attributes.find((a) => a.type === type)?.values[0] as asn1js.AsnType | undefined;
}

/**
 * RFC 5035 §3: the first ESSCertIDv2 of the signing-certificate-v2 attribute must hash the
 * signer's certificate (SHA-256 when the hashAlgorithm is omitted, the default).
 */
function checkSigningCertificate(value: asn1js.AsnType | undefined, signerDer: Buffer): void {
  const bad = (why: string) => new CheckFailed(SignatureCheckFailure.Malformed, why);
  if (!(value instanceof asn1js.Sequence)) {
    throw bad('the signature has no signing-certificate-v2 attribute (RFC 5035)');
  }
  const certs = value.valueBlock.value[0];
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) throw bad('signing-certificate-v2 names no certificate');
  // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, issuerSerial OPTIONAL }
  const [head, next] = first.valueBlock.value;
  let certHash = head;
  if (!(head instanceof asn1js.OctetString)) {
    const algorithm = new pkijs.AlgorithmIdentifier({ schema: head });
    if (algorithm.algorithmId !== OID.sha256) {
      throw bad(`signing-certificate-v2 uses hash ${algorithm.algorithmId}; DSS checks SHA-256`);
    }
    certHash = next;
  }
  if (!(certHash instanceof asn1js.OctetString)) throw bad('signing-certificate-v2 has no hash');
  const expected = createHash('sha256').update(signerDer).digest();
  const got = Buffer.from(certHash.valueBlock.valueHexView);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw bad('signing-certificate-v2 names another certificate than the signer’s');
  }
}

/**
 * RFC 3161 §2.4.2 and ETSI EN 319 122-1 §5.3: the signature-time-stamp token must be a valid
 * SignedData over a TSTInfo whose imprint is the hash of `signatureValue`, signed by a TSA
 * certificate (extendedKeyUsage timeStamping) that chains to a trust anchor at genTime.
 */
async function checkTimestamp(
  tokenSchema: asn1js.AsnType,
  signatureValue: Uint8Array,
  anchors: pkijs.Certificate[],
): Promise<{ time: Date; tsa: string; serial: string }> {
  const invalid = (why: string) =>
    new CheckFailed(SignatureCheckFailure.TimestampInvalid, `the timestamp token ${why}`);
  let token: pkijs.SignedData;
  let tst: pkijs.TSTInfo;
  try {
    const info = new pkijs.ContentInfo({ schema: tokenSchema });
    token = new pkijs.SignedData({ schema: info.content });
    const eContent = token.encapContentInfo.eContent;
    if (token.encapContentInfo.eContentType !== OID.tstInfo || !eContent) {
      throw new Error('no TSTInfo');
    }
    const content = Buffer.from(eContent.getValue());
    // A BER token (constructed OCTET STRING, as older DSS tokens are): pkijs verifies only the
    // primitive form, which carries the same octets.
    if (eContent.idBlock.isConstructed) {
      token.encapContentInfo.eContent = new asn1js.OctetString({
        valueHex: toArrayBuffer(content),
      });
    }
    tst = pkijs.TSTInfo.fromBER(toArrayBuffer(content));
  } catch (err) {
    throw invalid(`is malformed (${(err as Error).message})`);
  }
  let result: pkijs.SignedDataVerifyResult;
  try {
    result = await token.verify(
      {
        signer: 0,
        data: toArrayBuffer(signatureValue),
        checkChain: true,
        trustedCerts: anchors,
        extendedMode: true,
      },
      engine(),
    );
  } catch (err) {
    const message = (err as { message?: string }).message ?? String(err);
    throw invalid(
      /TSTInfo verification/.test(message)
        ? 'is for another signature (its imprint does not match)'
        : `does not verify, or its TSA does not chain to a trusted CA (${message})`,
    );
  }
  if (!result.signatureVerified || !result.signerCertificate) {
    throw invalid('signature does not verify');
  }
  const tsa = new x509.X509Certificate(derOf(result.signerCertificate));
  const eku = tsa.getExtension(x509.ExtendedKeyUsageExtension);
  if (!eku?.usages.includes(OID.timeStamping)) {
    throw invalid(`is signed by "${tsa.subject}", which is not a time-stamping authority`);
  }
  return {
    time: tst.genTime,
    tsa: tsa.subject,
    serial: Buffer.from(tst.serialNumber.valueBlock.valueHexView).toString('hex'),
  };
}

/** RFC 5280 §6: a path from the signer's certificate to an anchor, valid at `at`. */
async function checkChain(
  signer: pkijs.Certificate,
  others: pkijs.Certificate[],
  anchors: pkijs.Certificate[],
  at: Date,
): Promise<void> {
  const chain = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors,
    // The end entity is the last certificate (pkijs' convention).
    certs: [...others, signer],
    checkDate: at,
  });
  const result = await chain.verify({}, engine()).catch((err: unknown) => ({
    result: false,
    resultMessage: (err as { resultMessage?: string }).resultMessage ?? String(err),
  }));
  if (!result.result) {
    throw new CheckFailed(
      SignatureCheckFailure.Untrusted,
      `the signer's certificate does not chain to the DSS CA (${result.resultMessage})`,
    );
  }
}

/** RFC 5280 §5: the CRL must be signed by the signer's issuer; returns the revocation time, if any. */
async function revocationOf(
  signer: pkijs.Certificate,
  crlDer: Uint8Array,
  candidates: pkijs.Certificate[],
): Promise<Date | undefined> {
  const invalid = (why: string) => new CheckFailed(SignatureCheckFailure.CrlInvalid, why);
  const crl = parseDer(crlDer, 'the CRL', (schema) => {
    return new pkijs.CertificateRevocationList({ schema });
  });
  if (!crl.issuer.isEqual(signer.issuer)) {
    throw invalid('the CRL is not from the issuer of the signer’s certificate');
  }
  const issuer = candidates.find((c) => c.subject.isEqual(crl.issuer));
  if (!issuer || !(await crl.verify({ issuerCertificate: issuer }, engine()))) {
    throw invalid('the CRL is not signed by the DSS CA');
  }
  const entry = crl.revokedCertificates?.find((r) =>
    r.userCertificate.isEqual(signer.serialNumber),
  );
  return entry?.revocationDate.value;
}

/**
 * Checks a detached CMS SignedData (a DSS `cms` or `pades` signature) over content whose
 * SHA-256 is `contentDigest`, in this order: the structure, the message-digest attribute
 * (RFC 5652 §11.2), the signature over the signed attributes (§5.4), signing-certificate-v2
 * (RFC 5035), the signature timestamp (RFC 3161, CAdES/PAdES B-T), the signer certificate's
 * validity at the timestamp's time and its chain to the trust anchors (RFC 5280 §6), and
 * revocation in the CRL (§5). Never throws for bad input bytes: the answer says what failed.
 */
export async function checkDetachedCms(
  cms: Uint8Array,
  contentDigest: Uint8Array,
  trust: TrustMaterial,
): Promise<SignatureCheck> {
  if (!(cms instanceof Uint8Array)) throw new TypeError('checkDetachedCms: cms must be bytes');
  if (!(contentDigest instanceof Uint8Array) || contentDigest.length !== 32) {
    throw new TypeError('checkDetachedCms: contentDigest must be 32 bytes (SHA-256)');
  }
  const out: SignatureCheck = { valid: false };
  try {
    const anchors = trust.anchors.map((d) => certificateOf(d, 'a trust anchor'));
    const intermediates = trust.intermediates.map((d) => certificateOf(d, 'a CA certificate'));
    const tsaAnchors = [
      ...anchors,
      ...(trust.timestampAnchors ?? []).map((d) => certificateOf(d, 'a TSA anchor')),
    ];
    const signed = parseDer(cms, 'the signature', (schema) => {
      const info = new pkijs.ContentInfo({ schema });
      if (info.contentType !== OID.signedData) throw new Error('not a CMS SignedData');
      return new pkijs.SignedData({ schema: info.content });
    });
    const malformed = (why: string) => new CheckFailed(SignatureCheckFailure.Malformed, why);
    if (signed.signerInfos.length !== 1) throw malformed('a DSS signature has exactly one signer');
    if (signed.encapContentInfo.eContent) {
      throw malformed('the CMS holds its content; DSS signatures are detached');
    }
    const info = signed.signerInfos[0];
    if (info.digestAlgorithm.algorithmId !== OID.sha256) {
      throw malformed(`digest algorithm ${info.digestAlgorithm.algorithmId}; DSS uses SHA-256`);
    }
    const certificates = (signed.certificates ?? []).filter(
      (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
    );
    const sid = info.sid as unknown;
    const signer =
      sid instanceof pkijs.IssuerAndSerialNumber
        ? certificates.find(
            (c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber),
          )
        : undefined;
    if (!signer) throw malformed('the signer’s certificate is not in the signature');
    out.signer = summaryOf(signer);
    const signerDer = derOf(signer);

    // RFC 5652 §5.3: with signed attributes, content-type and message-digest are mandatory.
    if (!info.signedAttrs) throw malformed('the signature has no signed attributes');
    if (!(attribute(info.signedAttrs, OID.contentType) instanceof asn1js.ObjectIdentifier)) {
      throw malformed('the signed attributes lack content-type');
    }
    const digestAttr = attribute(info.signedAttrs, OID.messageDigest);
    if (!(digestAttr instanceof asn1js.OctetString)) {
      throw malformed('the signed attributes lack message-digest');
    }
    const signingTime = attribute(info.signedAttrs, OID.signingTime);
    if (signingTime instanceof asn1js.UTCTime || signingTime instanceof asn1js.GeneralizedTime) {
      out.claimedSigningTime = signingTime.toDate();
    }
    const claimed = Buffer.from(digestAttr.valueBlock.valueHexView);
    if (claimed.length !== 32 || !timingSafeEqual(claimed, Buffer.from(contentDigest))) {
      throw new CheckFailed(
        SignatureCheckFailure.ContentChanged,
        'the content is not what was signed: it was changed after signing, or the signature is for another file',
      );
    }
    const signatureValue = info.signature.valueBlock.valueHexView;
    const verified = await engine()
      .verifyWithPublicKey(
        info.signedAttrs.encodedValue,
        info.signature,
        signer.subjectPublicKeyInfo,
        info.signatureAlgorithm,
      )
      .catch(() => false);
    if (!verified) {
      throw new CheckFailed(
        SignatureCheckFailure.BadSignature,
        'the signature value does not verify with the key of the signer’s certificate',
      );
    }
    checkSigningCertificate(attribute(info.signedAttrs, OID.signingCertificateV2), signerDer);

    const token = attribute(info.unsignedAttrs, OID.signatureTimeStampToken);
    if (!token) {
      throw new CheckFailed(
        SignatureCheckFailure.NoTimestamp,
        'the signature has no timestamp, so when it was made cannot be shown',
      );
    }
    out.timestamp = await checkTimestamp(token, signatureValue, tsaAnchors);
    const at = out.timestamp.time;
    if (at < out.signer.notBefore || at > out.signer.notAfter) {
      throw new CheckFailed(
        SignatureCheckFailure.NotValidAtSigningTime,
        `the signer's certificate was not valid when the signature was time-stamped (${at.toISOString()}; valid ${out.signer.notBefore.toISOString()} to ${out.signer.notAfter.toISOString()})`,
      );
    }
    const others = [...certificates.filter((c) => c !== signer), ...intermediates];
    await checkChain(signer, others, anchors, at);

    const revokedAt = await revocationOf(signer, trust.crl, [...others, ...anchors]);
    if (revokedAt) {
      out.revokedAt = revokedAt;
      throw new CheckFailed(
        SignatureCheckFailure.Revoked,
        `the signer's certificate (serial ${out.signer.serial}) was revoked at ${revokedAt.toISOString()}: the key was deleted` +
          (at <= revokedAt
            ? ` after this signature was time-stamped (${at.toISOString()})`
            : `, before this signature was time-stamped (${at.toISOString()})`),
      );
    }
    out.valid = true;
    return out;
  } catch (err) {
    // Hostile bytes can trip a parser anywhere (pkijs, @peculiar/x509): that is a malformed
    // signature, never an exception for the caller.
    const failure =
      err instanceof CheckFailed
        ? { code: err.code, message: err.message }
        : {
            code: SignatureCheckFailure.Malformed,
            message: `the signature could not be read: ${(err as Error).message ?? String(err)}`,
          };
    return { ...out, valid: false, failure };
  }
}

/**
 * The trust material from a PEM chain as `GET /v1/ca/certificate` serves it (the DSS CA first,
 * then the certificates above it) and a DER CRL: the last certificate is the anchor.
 */
export function trustFromChain(chainPem: string, crl: Uint8Array): TrustMaterial {
  const certs = x509.PemConverter.decode(chainPem).map((der) => new Uint8Array(der));
  if (certs.length === 0) throw new TypeError('trustFromChain: the chain holds no certificate');
  return { anchors: certs.slice(-1), intermediates: certs.slice(0, -1), crl };
}
