import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { extractSignature, Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';
import { EncryptedPDFError, PDFDocument } from 'pdf-lib';
import { usageError } from './cli-error';

/**
 * Room for the CMS in the signature dictionary's /Contents, in bytes: the signer's certificate,
 * the CA chain and a timestamp token with the TSA's chain take 3–5 KiB; an outside TSA or a
 * corporate chain with RSA certificates may add a few more.
 */
export const PADES_CONTENTS_BYTES = 16 * 1024;

const PDF_HEADER = Buffer.from('%PDF-');
const BYTE_RANGE = Buffer.from('/ByteRange');

/** True when the bytes start like a PDF (ISO 32000-1 §7.5.2 header). */
export function looksLikePdf(head: Buffer): boolean {
  return head.subarray(0, PDF_HEADER.length).equals(PDF_HEADER);
}

/** A @signpdf signer that hashes the signed byte ranges here and asks `cmsOfDigest` for the CMS. */
class DigestSigner extends Signer {
  constructor(private readonly cmsOfDigest: (digest: Buffer) => Promise<Buffer>) {
    super();
  }

  override sign(signedBytes: Buffer): Promise<Buffer> {
    return this.cmsOfDigest(createHash('sha256').update(signedBytes).digest());
  }
}

/** What the signature dictionary says besides the signature (ISO 32000-1 §12.8.1, Table 252). */
export interface PadesFields {
  /** /Name: who signs. */
  name: string;
  /** /Reason. */
  reason: string;
  /** /M: the claimed signing time (PAdES puts it here, not in a signed attribute). */
  signingTime: Date;
}

/**
 * PAdES baseline B-T (ETSI EN 319 142-1), the PDF side: pdf-lib and @signpdf add a signature
 * field and dictionary (/SubFilter ETSI.CAdES.detached, /ByteRange and /Contents placeholders)
 * to the document, the byte ranges are hashed here, `cmsOfDigest` returns a detached CMS over
 * that digest (signed by DSS, with timestamp) and @signpdf embeds it. Only the digest leaves.
 *
 * @throws CliError `usage` for a file that is not a PDF, is encrypted, or is already signed.
 */
export async function signPdf(
  pdf: Buffer,
  file: string,
  fields: PadesFields,
  cmsOfDigest: (digest: Buffer) => Promise<Buffer>,
): Promise<Buffer> {
  if (!looksLikePdf(pdf)) throw usageError(`${file} is not a PDF (no %PDF- header)`);
  // Adding a field rewrites the document, which would break a signature already in it.
  if (pdf.includes(BYTE_RANGE)) {
    throw usageError(`${file} is already signed; dss adds the first signature of a PDF only`);
  }
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (err) {
    if (err instanceof EncryptedPDFError) {
      throw usageError(`${file} is encrypted; decrypt it before signing`);
    }
    throw usageError(`${file} is not a PDF dss can read: ${(err as Error).message}`);
  }
  if (doc.getPageCount() === 0) throw usageError(`${file} has no page to hold the signature`);
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: fields.reason,
    contactInfo: '',
    name: fields.name,
    location: '',
    signingTime: fields.signingTime,
    signatureLength: PADES_CONTENTS_BYTES,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'DSS',
  });
  // Classic cross-reference tables: readable by every PDF tool, old ones included.
  const prepared = Buffer.from(await doc.save({ useObjectStreams: false }));
  return new SignPdf().sign(prepared, new DigestSigner(cmsOfDigest));
}

/** The signature of a signed PDF, as {@link extractPdfSignature} finds it. */
export interface PdfSignature {
  /** How many signature dictionaries the file has; the last one is the one checked. */
  count: number;
  byteRange: [number, number, number, number];
  /** SHA-256 of the bytes the /ByteRange covers. */
  digest: Buffer;
  /** The CMS from /Contents (DER, without the placeholder's zero padding). */
  cms: Buffer;
  /** False when bytes outside /Contents are not covered: the file was changed after signing. */
  coversWholeFile: boolean;
}

/**
 * The last signature of a signed PDF: its /ByteRange (parsed by @signpdf), the digest of the
 * covered bytes and the CMS, cut to its DER length (the placeholder is padded with zeros).
 *
 * @throws CliError `usage` when the file is not a signed PDF.
 */
export function extractPdfSignature(pdf: Buffer, file: string): PdfSignature {
  if (!looksLikePdf(pdf)) throw usageError(`${file} is not a PDF (no %PDF- header)`);
  let count = 0;
  for (let at = pdf.indexOf('/ByteRange ['); at !== -1; at = pdf.indexOf('/ByteRange [', at + 1)) {
    count++;
  }
  if (count === 0) throw usageError(`${file} has no signature (no /ByteRange)`);
  // @signpdf/utils types its answer as any; these are the two fields used.
  let extracted: { ByteRange: number[]; signedData: Buffer };
  try {
    extracted = extractSignature(pdf, count) as typeof extracted;
  } catch (err) {
    throw usageError(`${file}: the signature dictionary is unreadable: ${(err as Error).message}`);
  }
  const [start, firstLength, secondStart, secondLength] = extracted.ByteRange as [
    number,
    number,
    number,
    number,
  ];
  const contentsEnd = secondStart - 1;
  if (
    start !== 0 ||
    secondStart <= firstLength ||
    secondStart + secondLength > pdf.length ||
    pdf[firstLength] !== 0x3c /* < */ ||
    pdf[contentsEnd] !== 0x3e /* > */
  ) {
    throw usageError(`${file}: the /ByteRange does not frame the /Contents of the signature`);
  }
  const hex = pdf.subarray(firstLength + 1, contentsEnd).toString('latin1');
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) {
    throw usageError(`${file}: the signature's /Contents is not a hex string`);
  }
  const padded = Buffer.from(hex, 'hex');
  const parsed = asn1js.fromBER(
    padded.buffer.slice(padded.byteOffset, padded.byteOffset + padded.byteLength),
  );
  const cms = parsed.offset === -1 ? padded : padded.subarray(0, parsed.offset);
  return {
    count,
    byteRange: [start, firstLength, secondStart, secondLength],
    digest: createHash('sha256').update(extracted.signedData).digest(),
    cms,
    coversWholeFile: secondStart + secondLength === pdf.length,
  };
}
