import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's `softhsm2` package puts the PKCS#11 module. */
const MODULE_PATHS = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
];

/** The SoftHSM2 module, when the `softhsm2` package is installed. */
export const SOFTHSM_MODULE = MODULE_PATHS.find((p) => existsSync(p));

/** A SoftHSM2 token of its own, in a temporary directory, initialised with `softhsm2-util`. */
export interface SoftHsmToken {
  /** SOFTHSM2_CONF: the module reads it at C_Initialize. */
  conf: string;
  module: string;
  label: string;
  pin: string;
  /** A file holding the PIN (0600). */
  pinFile: string;
  remove(): void;
}

export function createSoftHsmToken(label = 'dss-test'): SoftHsmToken {
  if (SOFTHSM_MODULE === undefined) throw new Error('softhsm2 is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'dss-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  const pin = '4711-user-pin';
  const init = spawnSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '0815-so-pin'],
    { env: { ...process.env, SOFTHSM2_CONF: conf }, encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`softhsm2-util failed: ${init.stderr}${init.stdout}`);
  const pinFile = join(dir, 'pin');
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  return {
    conf,
    module: SOFTHSM_MODULE,
    label,
    pin,
    pinFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
