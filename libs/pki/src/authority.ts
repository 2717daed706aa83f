import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  webcrypto,
} from 'node:crypto';
import { OID } from './oids';

// @peculiar/x509 signs through WebCrypto; Node's implementation is OpenSSL underneath.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** ECDSA P-256 with SHA-256 for every certificate, CRL and request DSS signs. */
export const SIGNING_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Subject fields from the certificate template (README: DSS_CERT_*). */
export interface SubjectTemplate {
  organization?: string;
  organizationalUnit?: string;
}

/** A private key of the PKI (CA or TSA) loaded for signing. */
export interface PkiSigner {
  /** The certificate of the key, DER. */
  certificate: x509.X509Certificate;
  /** Certificates above it, nearest first (empty for a self-made root). */
  chain: x509.X509Certificate[];
  /** WebCrypto key for @peculiar/x509. */
  privateKey: CryptoKey;
  /** PKCS#8 DER of the key, for Node's `crypto.sign` (CMS signer infos). */
  pkcs8: Buffer;
}

/** RFC 5280 §4.1.2.2: a positive serial of 128 random bits (leading bit cleared so it stays positive). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** A distinguished name as @peculiar/x509's JSON form, so no value needs RFC 4514 escaping. */
export function distinguishedName(commonName: string, template: SubjectTemplate): x509.JsonName {
  const name: x509.JsonName = [];
  if (template.organization) name.push({ O: [template.organization] });
  if (template.organizationalUnit) name.push({ OU: [template.organizationalUnit] });
  name.push({ CN: [commonName] });
  return name;
}

/** Generates a P-256 key pair; returns the PKCS#8 DER and the WebCrypto keys. */
export async function generatePkiKey(): Promise<{ pkcs8: Buffer; keys: CryptoKeyPair }> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  return { pkcs8, keys: await importKeyPair(pkcs8) };
}

/** Imports a PKCS#8 DER P-256 key into WebCrypto (private for signing, public for SKI/AKI). */
export async function importKeyPair(pkcs8: Buffer): Promise<CryptoKeyPair> {
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, SIGNING_ALGORITHM, false, [
    'sign',
  ]);
  const spki = createPublicKey(
    createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
  ).export({
    type: 'spki',
    format: 'der',
  });
  const publicKey = await webcrypto.subtle.importKey('spki', spki, SIGNING_ALGORITHM, true, [
    'verify',
  ]);
  return { privateKey, publicKey };
}

function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * 86_400_000);
}

/**
 * A self-made root for the DSS CA (RFC 5280 §4.2.1.9 basicConstraints CA, pathLen 0: it issues
 * end-entity certificates only; §4.2.1.3 keyCertSign + cRLSign).
 */
export async function createRootCertificate(args: {
  keys: CryptoKeyPair;
  commonName: string;
  template: SubjectTemplate;
  now: Date;
  validityDays: number;
}): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: distinguishedName(args.commonName, args.template),
    // A minute of slack for relying parties whose clocks run a little behind.
    notBefore: new Date(args.now.getTime() - 60_000),
    notAfter: addDays(args.now, args.validityDays),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys: args.keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(args.keys.publicKey),
    ],
  });
}

/** A PKCS#10 request for the DSS CA key, to be signed by an organisation's root (RFC 2986). */
export async function createCaRequest(args: {
  keys: CryptoKeyPair;
  name: x509.Name;
}): Promise<x509.Pkcs10CertificateRequest> {
  return x509.Pkcs10CertificateRequestGenerator.create({
    name: args.name,
    keys: args.keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(args.keys.publicKey),
    ],
  });
}

/** What a user certificate says about its holder. */
export interface UserIdentity {
  username: string;
  fullName?: string | null;
  email?: string | null;
}

/**
 * An end-entity certificate for a user's signing key: CN from the full name (or the username),
 * e-mail in subjectAltName (RFC 5280 §4.2.1.6), keyUsage digitalSignature + nonRepudiation,
 * extendedKeyUsage emailProtection (OpenSSL's default S/MIME purpose check) and documentSigning
 * (RFC 9336), AKI/SKI and the CRL distribution point.
 */
export async function issueUserCertificate(args: {
  ca: PkiSigner;
  publicKeySpki: Buffer;
  user: UserIdentity;
  template: SubjectTemplate;
  serial: string;
  now: Date;
  validityDays: number;
  crlUrl: string;
}): Promise<x509.X509Certificate> {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([OID.emailProtection, OID.documentSigning], false),
    await x509.SubjectKeyIdentifierExtension.create(args.publicKeySpki),
    await x509.AuthorityKeyIdentifierExtension.create(args.ca.certificate.publicKey),
    new x509.CRLDistributionPointsExtension([args.crlUrl]),
  ];
  if (args.user.email) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([{ type: 'email', value: args.user.email }]),
    );
  }
  return x509.X509CertificateGenerator.create({
    serialNumber: args.serial,
    subject: distinguishedName(args.user.fullName || args.user.username, args.template),
    issuer: args.ca.certificate.subjectName,
    notBefore: new Date(args.now.getTime() - 60_000),
    notAfter: minDate(addDays(args.now, args.validityDays), args.ca.certificate.notAfter),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: args.publicKeySpki,
    signingKey: args.ca.privateKey,
    extensions,
  });
}

/** The TSA's certificate: critical extendedKeyUsage timeStamping only (RFC 3161 §2.3). */
export async function issueTsaCertificate(args: {
  ca: PkiSigner;
  publicKey: CryptoKey;
  commonName: string;
  template: SubjectTemplate;
  now: Date;
  validityDays: number;
  crlUrl: string;
}): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: distinguishedName(args.commonName, args.template),
    issuer: args.ca.certificate.subjectName,
    notBefore: new Date(args.now.getTime() - 60_000),
    notAfter: minDate(addDays(args.now, args.validityDays), args.ca.certificate.notAfter),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: args.publicKey,
    signingKey: args.ca.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([OID.timeStamping], true),
      await x509.SubjectKeyIdentifierExtension.create(args.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(args.ca.certificate.publicKey),
      new x509.CRLDistributionPointsExtension([args.crlUrl]),
    ],
  });
}

/** One revoked certificate on the CRL. */
export interface RevokedEntry {
  serial: string;
  revokedAt: Date;
}

/** A CRL (RFC 5280 §5) over every revoked certificate, with AKI and cRLNumber. */
export async function issueCrl(args: {
  ca: PkiSigner;
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked: RevokedEntry[];
}): Promise<x509.X509Crl> {
  return x509.X509CrlGenerator.create({
    issuer: args.ca.certificate.subjectName,
    thisUpdate: args.thisUpdate,
    nextUpdate: args.nextUpdate,
    signingAlgorithm: SIGNING_ALGORITHM,
    signingKey: args.ca.privateKey,
    entries: args.revoked.map((r) => ({
      serialNumber: r.serial,
      revocationDate: r.revokedAt,
      // keyCompromise would claim too much; the holder withdrew the key (RFC 5280 §5.3.1).
      reason: x509.X509CrlReason.cessationOfOperation,
    })),
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(args.ca.certificate.publicKey),
      new x509.Extension(
        OID.crlNumber,
        false,
        new asn1js.Integer({ value: args.crlNumber }).toBER(false),
      ),
    ],
  });
}

function minDate(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

/** PEM of a certificate and the chain above it, leaf first (as `GET /v1/ca/certificate` serves). */
export function chainPem(certs: x509.X509Certificate[]): string {
  return certs.map((c) => c.toString('pem')).join('\n') + '\n';
}

/** Parses a PEM bundle into certificates, in order. */
export function parseCertificates(pem: string): x509.X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new x509.X509Certificate(b));
}

/** SPKI DER of a PEM public key. */
export function spkiDerOf(publicKeyPem: string): Buffer {
  return createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
}

/** RFC 7468 §5: a CRL in PEM is labelled "X509 CRL" (what OpenSSL reads). */
export function crlPem(der: ArrayBuffer | Uint8Array): string {
  return x509.PemConverter.encode(
    der instanceof ArrayBuffer ? new Uint8Array(der) : Uint8Array.from(der),
    'X509 CRL',
  );
}
