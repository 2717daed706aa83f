import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Verifies a DER signature over `document` with the real OpenSSL CLI, as an outsider would. */
export function opensslVerify(
  publicKeyPem: string,
  document: Buffer,
  signatureDer: Buffer,
): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dss-openssl-'));
  try {
    writeFileSync(join(dir, 'pub.pem'), publicKeyPem);
    writeFileSync(join(dir, 'document'), document);
    writeFileSync(join(dir, 'sig.der'), signatureDer);
    const r = spawnSync(
      'openssl',
      [
        'dgst',
        '-sha256',
        '-verify',
        join(dir, 'pub.pem'),
        '-signature',
        join(dir, 'sig.der'),
        join(dir, 'document'),
      ],
      { encoding: 'utf8' },
    );
    const output = `${r.stdout}${r.stderr}`.trim();
    return { ok: r.status === 0 && output === 'Verified OK', output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
