import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type DssConfig } from '@dss/config';
import {
  loadOrCreateSecret,
  MAY_CREATE_SECRETS,
  readSecretFile,
  type SecretCreation,
} from '@dss/common';

/** File name of the generated pepper inside the data directory. */
export const PEPPER_FILE_NAME = 'pepper';

/** Shortest accepted pepper, in characters (as DSS_PEPPER is validated). */
export const MIN_PEPPER_CHARS = 32;

/** Random bytes of a generated pepper (written as base64 text). */
const GENERATED_PEPPER_BYTES = 32;

/** Where the pepper came from. */
export type PepperSource = 'DSS_PEPPER' | 'DSS_PEPPER_FILE' | 'data-dir';

/** A loaded pepper. */
export interface LoadedPepper {
  /** The HMAC key of the password pre-hash: the pepper text as UTF-8 bytes. */
  pepper: Buffer;
  /** True when this call generated `<dataDir>/pepper`: the app should warn (back it up!). */
  created: boolean;
  source: PepperSource;
  /** The file read or written; undefined for DSS_PEPPER. */
  path?: string;
}

function fromText(text: string, what: string): Buffer {
  const value = text.trim();
  if ([...value].length < MIN_PEPPER_CHARS) {
    throw new Error(`${what}: the pepper must be at least ${MIN_PEPPER_CHARS} characters`);
  }
  return Buffer.from(value, 'utf8');
}

function readPepperFile(path: string, what: string): Buffer {
  return fromText(readSecretFile(path, what).toString('utf8'), what);
}

/**
 * Loads the password pepper (DESIGN.md §5), kept outside the database like the master key:
 *
 * 1. `DSS_PEPPER` (`config.pepper`, at least 32 characters), used as its UTF-8 bytes;
 * 2. else `DSS_PEPPER_FILE`, which must exist: its text, trimmed, as UTF-8 bytes;
 * 3. else `<dataDir>/pepper`, created on first start with 32 CSPRNG bytes as base64 text,
 *    mode 0600, atomically (`created: true`) — only when `creation` allows it: on a populated
 *    installation a missing or empty pepper file stops the start (`secret_missing`), since a
 *    new pepper would make every stored password fail.
 *
 * A file and the variable holding the same text give the same pepper, so a deployment can move
 * from one to the other. Losing the pepper makes every stored password unverifiable.
 */
export function loadOrCreatePepper(
  config: Pick<DssConfig, 'pepper' | 'pepperFile' | 'dataDir'>,
  creation: SecretCreation = MAY_CREATE_SECRETS,
): LoadedPepper {
  if (config.pepper !== undefined) {
    return { pepper: fromText(config.pepper, 'DSS_PEPPER'), created: false, source: 'DSS_PEPPER' };
  }
  if (config.pepperFile !== undefined) {
    return {
      pepper: readPepperFile(config.pepperFile, 'DSS_PEPPER_FILE'),
      created: false,
      source: 'DSS_PEPPER_FILE',
      path: config.pepperFile,
    };
  }
  const path = join(config.dataDir, PEPPER_FILE_NAME);
  const what = `pepper file ${PEPPER_FILE_NAME} in DSS_DATA_DIR`;
  const { value, created } = loadOrCreateSecret(
    {
      path,
      what: 'pepper file',
      hint: 'restore it from the backup, or set DSS_PEPPER / DSS_PEPPER_FILE',
      generate: () => `${randomBytes(GENERATED_PEPPER_BYTES).toString('base64')}\n`,
      parse: (contents) => fromText(contents.toString('utf8'), what),
    },
    creation,
  );
  return { pepper: value, created, source: 'data-dir', path };
}
