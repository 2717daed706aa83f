import { DssProtocolError } from '@dss/client';
import { type Command } from 'commander';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileError, usageError } from '../cli-error';
import { readWholeFile } from '../file-input';
import { looksLikePdf, signPdf } from '../pdf-signature';
import { formatBytes } from '../progress';
import { type Runtime } from '../runtime';

/** `report.pdf` → `report-signed.pdf`. */
export function signedPdfName(file: string): string {
  return /\.pdf$/i.test(file) ? file.replace(/\.pdf$/i, '-signed.pdf') : `${file}-signed.pdf`;
}

/**
 * `dss sign report.pdf --format pades [-o report-signed.pdf]`: PAdES baseline B-T. The PDF is
 * prepared here (signature field and dictionary), only the SHA-256 of its signed byte ranges
 * is sent, and the CMS DSS answers (certificate chain, signature timestamp, no signing-time
 * attribute) is embedded. The PDF itself never leaves this machine.
 */
export async function signPades(
  rt: Runtime,
  self: Command,
  file: string,
  outputOption: string | undefined,
): Promise<void> {
  const output = outputOption ?? signedPdfName(file);
  if (resolve(output) === resolve(file)) {
    throw usageError('the signed PDF would overwrite the original: choose another -o');
  }
  const out = rt.output(self);
  const pdf = await readWholeFile(file);
  if (!looksLikePdf(pdf)) throw usageError(`${file} is not a PDF (no %PDF- header)`);
  // Log in first: a wrong password is reported before the PDF is rewritten.
  const session = await rt.session(self);
  const user = session.username;
  let keyId = '';
  let signedDigest: Buffer | undefined;
  const signed = await signPdf(
    pdf,
    file,
    { name: user, reason: `Signed by ${user} with DSS`, signingTime: new Date() },
    async (digest) => {
      const result = await session.run((c) => c.signCms({ digest }, 'pades'));
      if (!result.digest.equals(digest)) {
        throw new DssProtocolError('the server signed another digest than the PDF’s');
      }
      keyId = result.keyId;
      signedDigest = digest;
      return result.cms;
    },
  );
  try {
    await writeFile(output, signed, { mode: 0o644 });
  } catch (err) {
    throw fileError(err, output, 'write');
  }
  out.result(
    {
      file,
      signedFile: output,
      format: 'pades',
      bytes: pdf.length,
      signedBytes: signed.length,
      digest: signedDigest!.toString('hex'),
      fileSha256: createHash('sha256').update(signed).digest('hex'),
      keyId,
      username: user,
    },
    [
      `Signed ${file} (${formatBytes(pdf.length)}) as ${user}: PAdES with certificate and timestamp.`,
      `Signed PDF: ${output}`,
      `Check it: dss verify ${output}    or: pdfsig ${output}`,
    ],
  );
}
