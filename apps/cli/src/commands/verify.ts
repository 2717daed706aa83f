import { DssApiError, spkiFingerprint, type SignatureEncoding } from '@dss/client';
import { type Command } from 'commander';
import { createHash, createPublicKey, createVerify, verify as verifyOneShot } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CliError, usageError } from '../cli-error';
import { readPublicKeyFile } from '../config-store';
import { type Mode, withConnection, withJson } from '../dss-command';
import { type TextSink } from '../output';
import { ExitCode } from '../exit-codes';
import { fileSize, readWholeFile, streamFile } from '../file-input';
import { checkReceipt, readReceipt, receiptPathOf } from '../receipt';
import { type Runtime } from '../runtime';
import { timeoutMsOf } from '../settings';
import { encodingOption } from './sign';
import { verifySigned } from './verify-signed';

/** ECDSA P-256: at most 72 bytes in DER, 64 in P1363; P-384: 104 / 96; Ed25519: 64. */
const MAX_SIGNATURE_BYTES = 256;

/**
 * Which key of the signer's key history to fetch: `--key-id`, else the key `--at` a time, else
 * the key the signing receipt beside the signature names, else the active key.
 */
function keySelection(
  opts: { keyId?: string; at?: string; receipt?: string | true },
  signatureFile: string,
): { keyId?: string; at?: string } {
  if (opts.keyId !== undefined && opts.at !== undefined) {
    throw usageError('give at most one of --key-id and --at');
  }
  if (opts.at !== undefined && Number.isNaN(Date.parse(opts.at))) {
    throw usageError(`--at: not an ISO 8601 time: ${opts.at}`);
  }
  if (opts.keyId !== undefined || opts.at !== undefined) return { keyId: opts.keyId, at: opts.at };
  const receiptFile =
    typeof opts.receipt === 'string' ? opts.receipt : receiptPathOf(signatureFile);
  if (!existsSync(receiptFile)) return {};
  const { keyId } = readReceipt(receiptFile);
  return typeof keyId === 'string' && keyId !== '' ? { keyId } : {};
}

/**
 * `dss verify FILE SIGNATURE`: verifies here. A raw signature with the signer's public key
 * (`--user` / `--key`); a CMS signature (`FILE.p7s`) or a signed PDF (`dss verify FILE.pdf`)
 * with the certificate it carries, against the DSS CA and its CRL.
 */
export function registerVerify(program: Command, rt: Runtime, mode: Mode): void {
  const cmd = program
    .command('verify')
    .description(
      "verify a signature here: a raw one with the signer's public key (--user or --key); a CMS (.p7s) or a signed PDF against the DSS CA, its CRL and the timestamp",
    )
    .argument('<file>', 'the signed file (a signed PDF on its own)')
    .argument('[signature]', 'the signature file: raw (DER or P1363) or CMS (.p7s)')
    .option(
      '--user <name>',
      'the signer: fetch their public key from the server (needs your login)',
    )
    .option('--key <file>', 'the public key (PEM) to verify with; no server needed')
    .option(
      '--key-id <id>',
      "with --user: the signer's key with this id, also a retired one (default: the key the receipt names, else the active key)",
    )
    .option('--at <time>', "with --user: the signer's key that was active at this ISO 8601 time")
    .option(
      '--receipt [file]',
      'also check the signing receipt (default SIGNATURE.receipt.json): the signature is in the signed audit log',
    )
    .option(
      '--tsa-ca <file>',
      'CMS and PDF: also trust timestamps from a TSA under this root (PEM), e.g. the one DSS_TSA_URL names',
    )
    .addOption(encodingOption('signature encoding (default: 64 bytes is p1363, else der)'));
  withJson(withConnection(cmd, mode, { user: false })).action(
    async (file: string, signatureFile: string | undefined, opts: VerifyOptions, self: Command) => {
      if (opts.user === undefined && opts.key === undefined) {
        if (await carriesCertificate(signatureFile)) {
          if (opts.encoding !== undefined || opts.receipt !== undefined) {
            throw usageError('--encoding and --receipt apply to raw signatures only');
          }
          return verifySigned(rt, self, file, signatureFile, opts.tsaCa);
        }
      }
      await verifyRawSignature(rt, self, file, checkedRawArguments(opts, signatureFile), opts);
    },
  );
  cmd.addHelpText(
    'after',
    `
Examples:
  dss verify report.pdf report.pdf.sig --user alice
  dss verify report.pdf report.pdf.sig --key alice.pem      # offline
  dss verify old.pdf old.pdf.sig --user alice --at 2026-03-01T12:00:00Z  # a retired key
  openssl dgst -sha256 -verify alice.pem -signature report.pdf.sig report.pdf
  dss verify contract.txt contract.txt.p7s                  # CMS: signer, time, CA, CRL
  dss verify report-signed.pdf                              # a signed PDF (PAdES)
Exit status 0 when the signature verifies, 1 when it does not.`,
  );
}

/**
 * Whether to check `signature` as a CMS (or, when absent, the file as a signed PDF): no
 * signature file, one named .p7s, or one larger than any raw ECDSA signature. A missing file
 * that is none of these is left to the raw path's usage message.
 */
async function carriesCertificate(signature: string | undefined): Promise<boolean> {
  if (signature === undefined || /\.p7s$/i.test(signature)) return true;
  try {
    return (await stat(signature)).size > MAX_SIGNATURE_BYTES;
  } catch {
    return false;
  }
}

/** The options of `dss verify`. */
interface VerifyOptions {
  user?: string;
  key?: string;
  keyId?: string;
  at?: string;
  encoding?: SignatureEncoding;
  receipt?: string | true;
  tsaCa?: string;
}

/** The usage checks of a raw signature's verification; returns its signature file. */
function checkedRawArguments(opts: VerifyOptions, signatureFile: string | undefined): string {
  if ((opts.user === undefined) === (opts.key === undefined)) {
    throw usageError(
      'give exactly one of --user NAME (fetch the key) or --key FILE.pem for a raw signature (a CMS .p7s or a signed PDF needs neither)',
    );
  }
  if (signatureFile === undefined) {
    throw usageError('a raw signature is a file of its own: dss verify FILE SIGNATURE');
  }
  if (opts.tsaCa !== undefined) {
    throw usageError('--tsa-ca applies to CMS and PDF signatures only');
  }
  if (opts.key !== undefined && (opts.keyId !== undefined || opts.at !== undefined)) {
    throw usageError('--key-id and --at choose a key on the server: use them with --user');
  }
  return signatureFile;
}

/** The public key to verify with: the `--key` file, or the signer's key fetched from the server. */
async function signerKey(
  rt: Runtime,
  self: Command,
  opts: VerifyOptions,
  signatureFile: string,
): Promise<{ publicKey: string; signer: string | null; signerKeyId: string | null }> {
  if (opts.key !== undefined) {
    return {
      publicKey: readPublicKeyFile(opts.key, '--key', true),
      signer: null,
      signerKeyId: null,
    };
  }
  const name = opts.user!;
  const select = keySelection(opts, signatureFile);
  const session = await rt.session(self, { userFlag: false });
  const info = await session
    .run((c) => c.getPublicKey(name, select))
    .catch((err: unknown) => {
      if (err instanceof DssApiError && err.code === 'no_key') {
        const which =
          select.keyId !== undefined
            ? `${name} has no key ${select.keyId} (or it was deleted)`
            : select.at !== undefined
              ? `${name} had no key pair at ${select.at}`
              : `${name} has no active key pair (or there is no such user)`;
        throw new CliError(
          'no_key',
          `${which}; a deleted key's signatures can only be checked with a saved copy of the public key (--key)`,
          ExitCode.NotFound,
        );
      }
      throw err;
    });
  return { publicKey: info.publicKey, signer: info.username, signerKeyId: info.keyId };
}

/**
 * Verifies `signature` over `file`, streamed, with `publicKey`; the key decides the algorithm:
 * ECDSA P-256 / SHA-256, P-384 / SHA-384, or Ed25519. Also returns the file's digest as the
 * server signed it (SHA-384 for P-384, else SHA-256), which the receipt records.
 */
async function verifyStreamed(
  file: string,
  signature: Buffer,
  publicKey: string,
  asked: SignatureEncoding | undefined,
  progress: TextSink,
): Promise<{ valid: boolean; encoding: SignatureEncoding | 'raw'; digestHex: string }> {
  const size = await fileSize(file);
  const key = createPublicKey(publicKey);
  const ed25519 = key.asymmetricKeyType === 'ed25519';
  const p384 = key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
  const encoding = asked ?? (signature.length === (p384 ? 96 : 64) && !ed25519 ? 'p1363' : 'der');
  const verifier = ed25519 ? null : createVerify(p384 ? 'sha384' : 'sha256');
  const hash = createHash(p384 ? 'sha384' : 'sha256');
  const chunks: Buffer[] = [];
  await streamFile(
    file,
    size,
    (chunk) => {
      if (verifier) verifier.update(chunk);
      else chunks.push(Buffer.from(chunk));
      hash.update(chunk);
    },
    progress,
    'Verifying',
  );
  let valid: boolean;
  try {
    valid = verifier
      ? verifier.verify(
          { key, dsaEncoding: encoding === 'p1363' ? 'ieee-p1363' : 'der' },
          signature,
        )
      : verifyOneShot(null, Buffer.concat(chunks), key, signature);
  } catch {
    valid = false; // not a signature in this encoding at all
  }
  return { valid, encoding: ed25519 ? 'raw' : encoding, digestHex: hash.digest('hex') };
}

/** `dss verify FILE SIGNATURE --user NAME | --key FILE`: a raw signature, and its receipt. */
async function verifyRawSignature(
  rt: Runtime,
  self: Command,
  file: string,
  signatureFile: string,
  opts: VerifyOptions,
): Promise<void> {
  await fileSize(file); // a missing file is named before any network call
  if ((await fileSize(signatureFile)) > MAX_SIGNATURE_BYTES) {
    throw usageError(`${signatureFile} is too large to be a signature`);
  }
  const signature = await readWholeFile(signatureFile);
  const { publicKey, signer, signerKeyId } = await signerKey(rt, self, opts, signatureFile);
  const out = rt.output(self);
  const { valid, encoding, digestHex } = await verifyStreamed(
    file,
    signature,
    publicKey,
    opts.encoding,
    out.stderr,
  );
  const fingerprint = spkiFingerprint(publicKey);
  const whose = signer === null ? `the key ${opts.key}` : `${signer}'s key`;
  const data = { valid, file, signatureFile, encoding, signer, keyFingerprint: fingerprint };
  if (!valid) {
    rt.exitCode = ExitCode.Failure;
    if (out.json) out.result(data, '');
    else
      out.note(
        `dss: signature does NOT verify: ${file} was not signed by ${whose}, or it was changed after signing (${encoding} signature ${signatureFile})`,
      );
    return;
  }
  const receipt =
    opts.receipt === undefined
      ? null
      : await checkReceipt(
          opts.receipt === true ? receiptPathOf(signatureFile) : opts.receipt,
          digestHex,
          signerKeyId,
          rt.configPath(),
          timeoutMsOf(rt.globals(self)),
        );
  out.result(receipt ? { ...data, receipt } : data, [
    `Verified OK: ${file} is signed by ${whose} (${encoding.toUpperCase()}).`,
    `Key fingerprint: ${fingerprint}`,
    ...(receipt
      ? [
          `In the audit log: entry ${receipt.logIndex} of the signed checkpoint of ${receipt.size} entries (receipt checked offline).`,
        ]
      : []),
  ]);
}
