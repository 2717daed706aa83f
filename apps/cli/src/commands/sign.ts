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
import { fileSize, readWholeFile, sha256File } from '../file-input';
import { formatBytes } from '../progress';
import { writeReceipt } from '../receipt';
import { type Runtime } from '../runtime';
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

/** `dss sign FILE`: SignDoc; writes FILE.sig. */
export function registerSign(program: Command, rt: Runtime, mode: Mode): void {
  const cmd = program
    .command('sign')
    .description(
      'sign a file with your key (SignDoc); large files are hashed here and only their SHA-256 digest is sent',
    )
    .argument('<file>', 'the file to sign')
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
      file: string,
      opts: { output?: string; encoding: SignatureEncoding; format: 'raw' | 'cms' | 'pades' },
      self: Command,
    ) => {
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
      let result: SignatureResult;
      let digest: Buffer;
      let sentAs: 'document' | 'digest' = 'digest';
      if (size <= WHOLE_DOCUMENT_MAX_BYTES) {
        const document = await readWholeFile(file);
        digest = createHash('sha256').update(document).digest();
        try {
          result = await session.run((c) => c.sign({ document }, opts.encoding));
          sentAs = 'document';
        } catch (err) {
          // A server with a smaller document limit still signs the digest.
          if (!(err instanceof DssApiError && err.code === 'document_too_large')) throw err;
          result = await session.run((c) => c.sign({ digest }, opts.encoding));
        }
      } else {
        digest = await sha256File(file, size, out.stderr);
        result = await session.run((c) => c.sign({ digest }, opts.encoding));
      }
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
          `Signed ${file} (${formatBytes(size)}${sentAs === 'digest' ? ', by its SHA-256 digest' : ''}) as ${user}.`,
          `Signature (${result.encoding.toUpperCase()}): ${output}`,
          ...(receipt
            ? [
                `Log receipt: ${receipt.file} (entry ${result.receipt!.logIndex}${receipt.complete ? ', with its inclusion proof' : '; proof added by dss verify --receipt'})`,
              ]
            : []),
          `Check it: dss verify ${file} ${output} --user ${user}` +
            (result.encoding === 'der'
              ? `\n      or: openssl dgst -sha256 -verify ${user}.pem -signature ${output} ${file}`
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
  dss sign report.pdf --format pades -o report-signed.pdf   # PAdES B-T; only a digest is sent`,
  );
}
