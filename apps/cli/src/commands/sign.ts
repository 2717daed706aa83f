import {
  DssApiError,
  DssProtocolError,
  type SignatureEncoding,
  type SignatureResult,
} from '@dss/client';
import { type Command, Option } from 'commander';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileError, usageError } from '../cli-error';
import { type Mode, withConnection, withJson } from '../dss-command';
import { fileSize, readWholeFile, sha256File, streamFile } from '../file-input';
import { type Output, type TextSink } from '../output';
import { formatBytes } from '../progress';
import { writeReceipt } from '../receipt';
import { type Runtime } from '../runtime';
import { type Session } from '../session';
import { ROTATE_HINT } from './keys';
import { signCms } from './sign-cms';
import { signPades } from './sign-pades';
import { timeoutMsOf } from '../settings';

/**
 * Files up to this size are sent whole (`{"document"}`); larger ones are
 * streamed through SHA-256 here and only the digest is sent (PROTOCOL.md §4).
 */
export const WHOLE_DOCUMENT_MAX_BYTES = 1024 * 1024;

export function encodingOption(description: string): Option {
  return new Option('--encoding <encoding>', description).choices(['der', 'p1363']);
}

/** The hash a key's signatures are made over: SHA-384 for P-384, SHA-256 otherwise. */
function hashOf(algorithm: string): 'sha256' | 'sha384' {
  return algorithm === 'ecdsa-p384' || algorithm === 'ecdsa-p384-sha384' ? 'sha384' : 'sha256';
}

async function hashFile(
  file: string,
  size: number,
  algorithm: 'sha256' | 'sha384',
  progressTo: TextSink,
): Promise<Buffer> {
  if (algorithm === 'sha256') return sha256File(file, size, progressTo);
  const hash = createHash(algorithm);
  await streamFile(file, size, (chunk) => hash.update(chunk), progressTo, 'Hashing');
  return hash.digest();
}

/** How a recipient checks the signature with plain OpenSSL, by algorithm. */
function opensslHint(algorithm: string, user: string, output: string, file: string): string {
  if (algorithm === 'ed25519') {
    return `\n      or: openssl pkeyutl -verify -pubin -inkey ${user}.pem -rawin -in ${file} -sigfile ${output}`;
  }
  return `\n      or: openssl dgst -${hashOf(algorithm)} -verify ${user}.pem -signature ${output} ${file}`;
}

/** Digests per batch request unless the server says its limit is lower (`batch_too_large`). */
const BATCH_SIZE = 100;

/** `dss sign FILE…`: SignDoc, or batch signing for several files; writes FILE.sig. */
export function registerSign(program: Command, rt: Runtime, mode: Mode): void {
  const cmd = program
    .command('sign')
    .description(
      'sign files with your key (SignDoc); large files are hashed here and only their digest is sent; several files go in one batch request',
    )
    .argument('<file...>', 'the file(s) to sign')
    .option('-o, --output <file>', 'where to write the signature (default: FILE.sig)')
    .addOption(
      encodingOption('signature encoding: der (openssl dgst) or p1363 (raw r||s)').default('der'),
    )
    .addOption(
      new Option(
        '--format <format>',
        'raw: the bare signature (FILE.sig); cms: a detached CMS with certificate and timestamp (FILE.p7s); pades: a signed copy of a PDF (FILE-signed.pdf)',
      )
        .choices(['raw', 'cms', 'pades'])
        .default('raw'),
    );
  withJson(withConnection(cmd, mode)).action(
    async (
      files: string[],
      opts: { output?: string; encoding: SignatureEncoding; format: 'raw' | 'cms' | 'pades' },
      self: Command,
    ) => {
      if (files.length > 1) {
        if (opts.format !== 'raw')
          throw usageError(`--format ${opts.format} signs one file at a time`);
        if (opts.output !== undefined) {
          throw usageError('-o names one signature file: with several files each gets FILE.sig');
        }
        return signMany(rt, self, files, opts.encoding);
      }
      const file = files[0];
      if (opts.format === 'cms') return signCms(rt, self, file, opts.output);
      if (opts.format === 'pades') return signPades(rt, self, file, opts.output);
      const output = opts.output ?? `${file}.sig`;
      if (resolve(output) === resolve(file)) {
        throw usageError('the signature would overwrite the file it signs: choose another -o');
      }
      const out = rt.output(self);
      const size = await fileSize(file);
      // Log in first: a wrong password is reported before a long hash.
      const session = await rt.session(self);
      const { result, digest, sentAs } = await signOneFile(session, file, size, opts.encoding, out);
      if (result.rotateAdvised === true) out.note(ROTATE_HINT);
      if (!result.digest.equals(digest)) {
        throw new DssProtocolError('the server signed another digest than the file’s');
      }
      try {
        await writeFile(output, result.signature, { mode: 0o644 });
      } catch (err) {
        throw fileError(err, output, 'write');
      }
      const user = session.username;
      const receipt = await writeReceipt(
        output,
        rt.shellSession?.serverUrl ?? rt.serverUrl(self),
        result,
        rt.configPath(),
        timeoutMsOf(rt.globals(self)),
      );
      out.result(
        {
          file,
          signatureFile: output,
          encoding: result.encoding,
          sentAs,
          bytes: size,
          digest: digest.toString('hex'),
          keyId: result.keyId,
          username: user,
          receiptFile: receipt?.file ?? null,
          logIndex: result.receipt?.logIndex ?? null,
        },
        [
          `Signed ${file} (${formatBytes(size)}${sentAs === 'digest' ? `, by its ${hashOf(result.algorithm).toUpperCase().replace('SHA', 'SHA-')} digest` : ''}) as ${user}.`,
          `Signature (${result.encoding.toUpperCase()}): ${output}`,
          ...(receipt
            ? [
                `Log receipt: ${receipt.file} (entry ${result.receipt!.logIndex}${receipt.complete ? ', with its inclusion proof' : '; proof added by dss verify --receipt'})`,
              ]
            : []),
          `Check it: dss verify ${file} ${output} --user ${user}` +
            (result.encoding === 'der' || result.encoding === 'raw'
              ? opensslHint(result.algorithm, user, output, file)
              : ''),
        ],
      );
    },
  );
  cmd.addHelpText(
    'after',
    `
Examples:
  dss sign report.pdf                          # writes report.pdf.sig (DER)
  dss sign image.iso -o image.sig --encoding p1363
  dss sign contract.txt --format cms           # writes contract.txt.p7s (CAdES B-T)
  dss sign report.pdf --format pades -o report-signed.pdf   # PAdES B-T; only a digest is sent
  dss sign invoices/*.pdf                      # one batch request; each gets FILE.sig`,
  );
}

/**
 * Signs one file: small files whole (the server hashes them), large ones by their digest, hashed
 * here with the hash the key's algorithm signs (SHA-384 for P-384); an Ed25519 key signs the
 * document whatever its size, and a server with a smaller document limit still signs the digest.
 */
async function signOneFile(
  session: Session,
  file: string,
  size: number,
  encoding: SignatureEncoding,
  out: Output,
): Promise<{ result: SignatureResult; digest: Buffer; sentAs: 'document' | 'digest' }> {
  let result: SignatureResult;
  let digest: Buffer;
  let sentAs: 'document' | 'digest' = 'digest';
  if (size <= WHOLE_DOCUMENT_MAX_BYTES) {
    const document = await readWholeFile(file);
    try {
      result = await session.run((c) => c.sign({ document }, encoding));
      sentAs = 'document';
      digest = createHash(hashOf(result.algorithm)).update(document).digest();
    } catch (err) {
      // A server with a smaller document limit still signs the digest.
      if (!(err instanceof DssApiError && err.code === 'document_too_large')) throw err;
      const algorithm = (await session.run((c) => c.getPublicKey())).algorithm;
      digest = createHash(hashOf(algorithm)).update(document).digest();
      result = await session.run((c) => c.sign({ digest }, encoding));
    }
  } else {
    // The key's algorithm decides the digest (SHA-384 for P-384); Ed25519 signs documents only.
    const algorithm = (await session.run((c) => c.getPublicKey())).algorithm;
    if (algorithm === 'ed25519') {
      const document = await readWholeFile(file);
      result = await session.run((c) => c.sign({ document }, encoding));
      sentAs = 'document';
      digest = createHash('sha256').update(document).digest();
    } else {
      digest = await hashFile(file, size, hashOf(algorithm), out.stderr);
      result = await session.run((c) => c.sign({ digest }, encoding));
    }
  }
  return { result, digest, sentAs };
}

/**
 * `dss sign FILE1 FILE2 …`: the files' digests go to the batch route, up to the server's batch
 * limit per request (all or nothing each); an Ed25519 key signs the documents one by one.
 */
async function signMany(
  rt: Runtime,
  self: Command,
  files: string[],
  encoding: SignatureEncoding,
): Promise<void> {
  const out = rt.output(self);
  const sizes: number[] = [];
  for (const file of files) sizes.push(await fileSize(file));
  const session = await rt.session(self);
  const { algorithm } = await session.run((c) => c.getPublicKey());
  const signed: {
    file: string;
    keyId: string;
    digest: Buffer;
    signature: Buffer;
    receipt?: { logIndex: number; leaf: Buffer };
  }[] = [];
  let advised = false;
  if (algorithm === 'ed25519') {
    for (const file of files) {
      const document = await readWholeFile(file);
      const r = await session.run((c) => c.sign({ document }, encoding));
      advised ||= r.rotateAdvised === true;
      signed.push({ file, ...r, digest: createHash('sha256').update(document).digest() });
    }
  } else {
    const digests: Buffer[] = [];
    for (const [n, file] of files.entries()) {
      digests.push(await hashFile(file, sizes[n], hashOf(algorithm), out.stderr));
    }
    let chunk = BATCH_SIZE;
    for (let start = 0; start < files.length;) {
      const part = digests.slice(start, start + chunk);
      let result;
      try {
        result = await session.run((c) => c.signBatch(part, encoding));
      } catch (err) {
        const limit = err instanceof DssApiError ? err.details.maxBatch : undefined;
        if (
          err instanceof DssApiError &&
          err.code === 'batch_too_large' &&
          typeof limit === 'number' &&
          limit >= 1 &&
          limit < chunk
        ) {
          chunk = limit;
          continue;
        }
        throw err;
      }
      advised ||= result.rotateAdvised === true;
      result.items.forEach((item, n) => {
        if (!item.digest.equals(part[n])) {
          throw new DssProtocolError('the server signed another digest than the file’s');
        }
        signed.push({ file: files[start + n], keyId: result.keyId, ...item });
      });
      start += part.length;
    }
  }
  if (advised) out.note(ROTATE_HINT);
  const server = rt.shellSession?.serverUrl ?? rt.serverUrl(self);
  const rows = [];
  for (const s of signed) {
    const output = `${s.file}.sig`;
    try {
      await writeFile(output, s.signature, { mode: 0o644 });
    } catch (err) {
      throw fileError(err, output, 'write');
    }
    const receipt = await writeReceipt(
      output,
      server,
      s,
      rt.configPath(),
      timeoutMsOf(rt.globals(self)),
    );
    rows.push({
      file: s.file,
      signatureFile: output,
      digest: s.digest.toString('hex'),
      keyId: s.keyId,
      receiptFile: receipt?.file ?? null,
      logIndex: s.receipt?.logIndex ?? null,
    });
  }
  const user = session.username;
  out.result({ username: user, algorithm, encoding, signatures: rows }, [
    `Signed ${rows.length} files as ${user} (key ${rows[0].keyId}):`,
    ...rows.map((r) => `  ${r.file} → ${r.signatureFile}`),
    `Check one: dss verify ${rows[0].file} ${rows[0].signatureFile} --user ${user}`,
  ]);
}
