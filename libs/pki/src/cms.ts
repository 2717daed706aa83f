import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import { OID } from './oids';

/** Signs `data` (the DER of the signed attributes) with ECDSA P-256 / SHA-256; DER signature. */
export type AttributeSigner = (data: Buffer) => Buffer | Promise<Buffer>;

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

/**
 * A DER element that is already encoded (a certificate, a time-stamp token), carried byte for byte
 * inside structures asn1js encodes: asn1js asks each element of a SEQUENCE or SET to write itself
 * into the parent's writer, which its own `RawData` does not do (it returns its bytes instead).
 * Typed as the element pkijs expects in that place; asn1js only calls `toBER` on it.
 */
function encodedElement<T>(der: Uint8Array): T {
  const bytes = toArrayBuffer(der);
  const element = {
    toBER(_sizeOnly?: boolean, writer?: { write(buf: ArrayBuffer): void }): ArrayBuffer {
      if (!writer) return bytes.slice(0);
      writer.write(bytes);
      return new ArrayBuffer(0);
    },
  };
  return element as unknown as T;
}

/**
 * A certificate parsed once, that encodes as the DER it was parsed from. pkijs would rebuild a
 * certificate's encoding from its parts, parsing its to-be-signed part again, each time it goes
 * into a SignedData; carried as encoded, the bytes stay exactly the bytes the CA signed. Only its
 * fields are read otherwise (issuer, serial number).
 */
class ParsedCertificate extends pkijs.Certificate {
  constructor(private readonly der: Uint8Array) {
    super({ schema: pkijs.Certificate.fromBER(toArrayBuffer(der)).toSchema() });
  }

  override toSchema(): asn1js.Sequence {
    return encodedElement<asn1js.Sequence>(this.der);
  }
}

/**
 * Parsed certificates by the DER array they came from: the signing path passes the same arrays
 * for the same certificates (the CA chain, the TSA's, a key's, all cached in DER by PkiService),
 * and parsing with pkijs costs more than the rest of building a CMS.
 */
const parsed = new WeakMap<Uint8Array, pkijs.Certificate>();

/** Parses a DER certificate for pkijs (once per array: see `parsed`). */
export function pkijsCertificate(der: Uint8Array): pkijs.Certificate {
  let cert = parsed.get(der);
  if (cert === undefined) {
    cert = new ParsedCertificate(der);
    parsed.set(der, cert);
  }
  return cert;
}

/**
 * RFC 5035 §3 SigningCertificateV2 naming `cert` by its SHA-256 hash (the default hashAlgorithm,
 * so omitted) and issuer/serial: binds the signature to this certificate (ETSI EN 319 122-1
 * §5.2.2.3, RFC 3161 §2.4.2 ESS for tokens).
 */
export function signingCertificateV2(cert: pkijs.Certificate, der: Uint8Array): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new pkijs.GeneralNames({
        names: [new pkijs.GeneralName({ type: 4, value: cert.issuer })],
      }).toSchema(),
      cert.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(der)) }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/** An attribute encoded once: sorting needs its encoding, and so does every encoder after it. */
class EncodedAttribute extends pkijs.Attribute {
  constructor(
    attribute: pkijs.Attribute,
    readonly der: Buffer,
  ) {
    super({ type: attribute.type, values: attribute.values });
  }

  override toSchema(): asn1js.Sequence {
    return encodedElement<asn1js.Sequence>(this.der);
  }
}

/** X.690 §11.6: the elements of a DER SET OF are sorted by their encodings. */
function derSetOrder(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map(
    (a) => new EncodedAttribute(a, Buffer.from(a.toSchema().toBER(false))),
  );
  encoded.sort((x, y) => {
    const n = Math.max(x.der.length, y.der.length);
    for (let i = 0; i < n; i++) {
      const d = (x.der[i] ?? 0) - (y.der[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
  return encoded;
}

/**
 * The signing-certificate-v2 attribute of each certificate, built once: it depends on nothing
 * but the certificate (its hash, issuer and serial number).
 */
const signingCertificateAttributes = new WeakMap<Uint8Array, EncodedAttribute>();

function signingCertificateAttribute(cert: pkijs.Certificate, der: Uint8Array): EncodedAttribute {
  let attribute = signingCertificateAttributes.get(der);
  if (attribute === undefined) {
    const plain = new pkijs.Attribute({
      type: OID.signingCertificateV2,
      values: [signingCertificateV2(cert, der)],
    });
    attribute = new EncodedAttribute(plain, Buffer.from(plain.toSchema().toBER(false)));
    signingCertificateAttributes.set(der, attribute);
  }
  return attribute;
}

/** A signer identifier encoded once: pkijs re-parses the issuer name each time it encodes it. */
class EncodedIssuerAndSerial extends pkijs.IssuerAndSerialNumber {
  private readonly der: Buffer;

  constructor(cert: pkijs.Certificate) {
    super({ issuer: cert.issuer, serialNumber: cert.serialNumber });
    this.der = Buffer.from(super.toSchema().toBER(false));
  }

  override toSchema(): asn1js.Sequence {
    return encodedElement<asn1js.Sequence>(this.der);
  }
}

/** Signer identifiers (RFC 5652 §5.3 issuerAndSerialNumber) by certificate, built once. */
const signerIdentifiers = new WeakMap<Uint8Array, EncodedIssuerAndSerial>();

function signerIdentifier(cert: pkijs.Certificate, der: Uint8Array): EncodedIssuerAndSerial {
  let sid = signerIdentifiers.get(der);
  if (sid === undefined) {
    sid = new EncodedIssuerAndSerial(cert);
    signerIdentifiers.set(der, sid);
  }
  return sid;
}

/** What a CMS signer info is made from. */
export interface SignerInput {
  /** The signer's certificate (DER). */
  certificate: Uint8Array;
  /** Certificates to carry for the chain (DER), nearest issuer first. */
  chain: Uint8Array[];
  /** SHA-256 of the content (RFC 5652 §11.2 message-digest). */
  contentDigest: Buffer;
  /** RFC 5652 §5.2 eContentType. */
  contentType: string;
  /** RFC 5652 §11.3 signing-time; omitted when undefined (PAdES B-B forbids it, ETSI EN 319 142-1 §5.2.2). */
  signingTime?: Date;
  sign: AttributeSigner;
}

/** The signer info with its signature value, before any unsigned attribute is added. */
export interface SignedParts {
  signerInfo: pkijs.SignerInfo;
  certificates: pkijs.Certificate[];
  signature: Buffer;
}

/**
 * RFC 5652 §5.3–§5.4: a signer info with the signed attributes content-type, message-digest,
 * signing-certificate-v2 (and signing-time when asked), signed over their DER SET OF encoding.
 */
export async function signAttributes(input: SignerInput): Promise<SignedParts> {
  const cert = pkijsCertificate(input.certificate);
  const attributes = [
    new pkijs.Attribute({
      type: OID.contentType,
      values: [new asn1js.ObjectIdentifier({ value: input.contentType })],
    }),
    new pkijs.Attribute({
      type: OID.messageDigest,
      values: [new asn1js.OctetString({ valueHex: toArrayBuffer(input.contentDigest) })],
    }),
    signingCertificateAttribute(cert, input.certificate),
  ];
  if (input.signingTime) {
    attributes.push(
      new pkijs.Attribute({
        type: OID.signingTime,
        values: [new asn1js.UTCTime({ valueDate: input.signingTime })],
      }),
    );
  }
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: derSetOrder(attributes),
  });
  // §5.4: the signature is over the EXPLICIT SET OF encoding, not the [0] IMPLICIT one.
  const toBeSigned = Buffer.from(signedAttrs.toSchema().toBER(false));
  toBeSigned[0] = 0x31;
  const signature = await input.sign(toBeSigned);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: signerIdentifier(cert, input.certificate),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  return {
    signerInfo,
    certificates: [cert, ...input.chain.map((c) => pkijsCertificate(c))],
    signature,
  };
}

/** Wraps one signer info in a ContentInfo of SignedData (RFC 5652 §3, §5.1); detached unless `content`. */
export function signedDataContentInfo(args: {
  parts: SignedParts;
  contentType: string;
  content?: Buffer;
  includeCertificates: boolean;
}): Buffer {
  const signedData = new pkijs.SignedData({
    // §5.1: version 3 when eContentType is not id-data, else 1.
    version: args.contentType === OID.data ? 1 : 3,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: args.contentType }),
    signerInfos: [args.parts.signerInfo],
    ...(args.includeCertificates ? { certificates: args.parts.certificates } : {}),
  });
  if (args.content) {
    // pkijs' constructor turns eContent into a constructed OCTET STRING of 64 KiB pieces (BER);
    // a time-stamp token must be DER (RFC 3161 §2.4.2), and pkijs' own verify reads only the
    // primitive form. Set after construction, the primitive form is encoded as it is.
    signedData.encapContentInfo.eContent = new asn1js.OctetString({
      valueHex: toArrayBuffer(args.content),
    });
  }
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID.signedData,
    content: signedData.toSchema(true),
  });
  return Buffer.from(contentInfo.toSchema().toBER(false));
}

/**
 * CAdES baseline B-T (ETSI EN 319 122-1 §5.3): the signature-time-stamp unsigned attribute,
 * holding a time-stamp token (a DER ContentInfo) over the signature value.
 */
export function addSignatureTimestamp(parts: SignedParts, tokenDer: Buffer): void {
  // The token is checked where it is made or received (createTimestampToken, tokenFromResponse);
  // here it is only carried, byte for byte. A SEQUENCE is the least a ContentInfo must be.
  if (tokenDer.length < 2 || tokenDer[0] !== 0x30) {
    throw new TypeError('cms: the time-stamp token is not DER');
  }
  parts.signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 1,
    attributes: [
      new pkijs.Attribute({
        type: OID.signatureTimeStampToken,
        values: [encodedElement<asn1js.Sequence>(tokenDer)],
      }),
    ],
  });
}

/** What {@link buildDetachedCms} needs: the signer, and where its timestamp comes from. */
export interface DetachedCmsInput extends Omit<SignerInput, 'contentType'> {
  /** Returns an RFC 3161 token (DER ContentInfo) whose imprint is SHA-256 of the given signature. */
  timestamp?: (signatureDigest: Buffer) => Promise<Buffer>;
}

/**
 * A detached CMS SignedData over content of type id-data (RFC 5652), CAdES B-T when `timestamp`
 * is given. Returns the DER ContentInfo (a `.p7s` file) and the signature value.
 */
export async function buildDetachedCms(
  input: DetachedCmsInput,
): Promise<{ der: Buffer; signature: Buffer }> {
  const parts = await signAttributes({ ...input, contentType: OID.data });
  if (input.timestamp) {
    addSignatureTimestamp(parts, await input.timestamp(sha256(parts.signature)));
  }
  return {
    der: signedDataContentInfo({ parts, contentType: OID.data, includeCertificates: true }),
    signature: parts.signature,
  };
}
