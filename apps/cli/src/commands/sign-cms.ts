import { DssProtocolError } from '@dss/client';
import { type Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileError, usageError } from '../cli-error';
import { fileSize, sha256File } from '../file-input';
import { formatBytes } from '../progress';
import { type Runtime } from '../runtime';

/**
 * `dss sign FILE --format cms`: only the file's SHA-256 travels; the server answers a detached
 * CMS SignedData (CAdES baseline B-T: signer certificate, CA chain, signature timestamp), written
 * to FILE.p7s. Anyone verifies it with `openssl cms -verify` and the DSS CA certificate.
 */
export async function signCms(
  rt: Runtime,
  self: Command,
  file: string,
  outputOption: string | undefined,
): Promise<void> {
  const output = outputOption ?? `${file}.p7s`;
  if (resolve(output) === resolve(file)) {
    throw usageError('the signature would overwrite the file it signs: choose another -o');
  }
  const out = rt.output(self);
  const size = await fileSize(file);
  const session = await rt.session(self);
  const digest = await sha256File(file, size, out.stderr);
  const result = await session.run((c) => c.signCms({ digest }));
  if (!result.digest.equals(digest)) {
    throw new DssProtocolError('the server signed another digest than the file’s');
  }
  try {
    await writeFile(output, result.cms, { mode: 0o644 });
  } catch (err) {
    throw fileError(err, output, 'write');
  }
  const user = session.username;
  out.result(
    {
      file,
      signatureFile: output,
      format: 'cms',
      bytes: size,
      digest: digest.toString('hex'),
      keyId: result.keyId,
      username: user,
    },
    [
      `Signed ${file} (${formatBytes(size)}) as ${user}: CMS with certificate and timestamp.`,
      `Signature (CMS, DER): ${output}`,
      `Check it: openssl cms -verify -binary -inform DER -in ${output} -content ${file} -CAfile dss-ca.pem -out /dev/null`,
    ],
  );
}
