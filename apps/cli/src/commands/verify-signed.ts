import { checkDetachedCms, type SignatureCheck, SignatureCheckFailure } from '@dss/pki/verify';
import { PemConverter } from '@peculiar/x509';
import { type Command } from 'commander';
import { fetchCaTrust } from '../ca-trust';
import { usageError } from '../cli-error';
import { ExitCode } from '../exit-codes';
import { fileSize, readWholeFile, sha256File } from '../file-input';
import { extractPdfSignature } from '../pdf-signature';
import { type Runtime } from '../runtime';

/** A CMS signature with a few certificates and a token is a few KiB; this is generous. */
const MAX_CMS_BYTES = 1024 * 1024;

/**
 * `dss verify FILE FILE.p7s` (CMS) and `dss verify signed.pdf` (PAdES): the signature, its
 * timestamp, the signer certificate's validity at the timestamp's time, its chain to the DSS CA
 * and revocation, against the CA chain and CRL fetched over the pinned secure channel.
 */
export async function verifySigned(
  rt: Runtime,
  self: Command,
  file: string,
  signatureFile: string | undefined,
  tsaCaFile?: string,
): Promise<void> {
  const out = rt.output(self);
  const format = signatureFile === undefined ? 'pades' : 'cms';
  const size = await fileSize(file);
  let cms: Buffer;
  let digest: Buffer | undefined;
  let coversWholeFile = true;
  let signatures = 1;
  if (signatureFile !== undefined) {
    if ((await fileSize(signatureFile)) > MAX_CMS_BYTES) {
      throw usageError(`${signatureFile} is too large to be a CMS signature`);
    }
    cms = await readWholeFile(signatureFile);
  } else {
    const pdf = await readWholeFile(file);
    const found = extractPdfSignature(pdf, file);
    ({ cms, digest, coversWholeFile } = found);
    signatures = found.count;
  }
  const timestampAnchors =
    tsaCaFile === undefined ? [] : certificatesIn(await readWholeFile(tsaCaFile), tsaCaFile);
  const trust = { ...(await fetchCaTrust(rt, self)), timestampAnchors };
  digest ??= await sha256File(file, size, out.stderr);
  const check = await checkDetachedCms(cms, digest, trust);
  if (check.valid && !coversWholeFile) {
    check.valid = false;
    check.failure = {
      code: SignatureCheckFailure.ContentChanged,
      message:
        'bytes were added to the PDF after it was signed (the signature does not cover the whole file)',
    };
  }
  const data = {
    valid: check.valid,
    file,
    signatureFile: signatureFile ?? null,
    format,
    ...(format === 'pades' ? { signatures } : {}),
    signer: check.signer
      ? {
          name: check.signer.commonName,
          email: check.signer.email,
          subject: check.signer.subject,
          issuer: check.signer.issuer,
          serial: check.signer.serial,
        }
      : null,
    signedAt: check.timestamp?.time.toISOString() ?? null,
    timestampAuthority: check.timestamp?.tsa ?? null,
    claimedSigningTime: check.claimedSigningTime?.toISOString() ?? null,
    revokedAt: check.revokedAt?.toISOString() ?? null,
    failure: check.failure ?? null,
  };
  if (check.valid) {
    out.result(data, describe(check, file, format));
    return;
  }
  rt.exitCode = ExitCode.Failure;
  if (out.json) {
    out.result(data, '');
    return;
  }
  out.note(`dss: signature does NOT verify: ${check.failure!.message} (${check.failure!.code})`);
  for (const line of describe(check, file, format).slice(1)) out.note(`  ${line}`);
}

/** The certificates of a PEM file (DER), for `--tsa-ca`. */
function certificatesIn(pem: Buffer, file: string): Uint8Array[] {
  let certs: ArrayBuffer[] = [];
  try {
    certs = PemConverter.decode(pem.toString('utf8'));
  } catch {
    // reported below
  }
  if (certs.length === 0) throw usageError(`${file} holds no PEM certificate`);
  return certs.map((c) => new Uint8Array(c));
}

function describe(check: SignatureCheck, file: string, format: 'cms' | 'pades'): string[] {
  const signer = check.signer;
  const who = signer
    ? `${signer.commonName ?? signer.subject}${signer.email ? ` <${signer.email}>` : ''}`
    : 'an unknown signer';
  const lines = [
    `Verified OK: ${file} is signed by ${who} (${format === 'pades' ? 'PAdES' : 'CMS'}).`,
  ];
  if (check.timestamp) {
    lines.push(
      `Signed at:   ${check.timestamp.time.toISOString()} (timestamp from ${check.timestamp.tsa})`,
    );
  }
  if (signer) {
    lines.push(
      `Certificate: ${signer.subject}, serial ${signer.serial}, issued by ${signer.issuer}`,
    );
  }
  if (check.revokedAt) lines.push(`Revoked at:  ${check.revokedAt.toISOString()}`);
  else if (check.valid) lines.push('Revocation:  not revoked (checked against the DSS CA’s CRL)');
  return lines;
}
