import { DssApiError, type KeyAlgorithm, type PublicKeyInfo } from '@dss/client';
import { type Command, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import { CliError, fileError, usageError } from '../cli-error';
import { type Mode, withConnection, withJson } from '../dss-command';
import { ExitCode } from '../exit-codes';
import { type Runtime } from '../runtime';

/** The key algorithms of CreateKeys and rotate (docs/SIGNATURES.md, "Key lifecycle"). */
export const KEY_ALGORITHM_NAMES: readonly KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'ed25519'];

function algorithmOption(description: string): Option {
  return new Option('--algorithm <name>', description).choices(KEY_ALGORITHM_NAMES);
}

/** The hint printed when the server says the key is older than its maximum key age. */
export const ROTATE_HINT =
  'dss: your key pair is older than the maximum key age set by your administrator: rotate it with `dss keys rotate`';

function keyLines(k: Omit<PublicKeyInfo, 'username'>): string[] {
  return [
    `  key id:      ${k.keyId}`,
    `  algorithm:   ${k.algorithm}`,
    `  fingerprint: ${k.fingerprint}`,
    `  created:     ${k.createdAt}`,
    ...(k.status !== undefined && k.status !== 'active'
      ? [`  status:      ${k.status} (valid ${k.validFrom ?? k.createdAt} to ${k.validTo ?? '?'})`]
      : []),
  ];
}

/** `dss keys create | show | delete`: CreateKeys, GetPublicKey, DeleteKeys. */
export function registerKeys(program: Command, rt: Runtime, mode: Mode): void {
  const keys = program
    .command('keys')
    .description('your signing key pair, kept on the server: create, show, rotate, delete');

  registerCreate(keys, rt, mode);
  registerRotate(keys, rt, mode);
  registerShow(keys, rt, mode);
  registerDelete(keys, rt, mode);

  keys.addHelpText(
    'after',
    `
Examples:
  dss keys create
  dss keys create --algorithm ed25519
  dss keys rotate                     # new key pair, the old one retired
  dss keys show                       # your public key (PEM)
  dss keys show alice --at 2026-03-01T12:00:00Z -o alice-march.pem
  dss keys show alice --out alice.pem # a colleague's, to verify with openssl
  dss keys show --certificate -o me.crt  # your certificate from the DSS CA
  dss keys delete                     # asks first; --yes for scripts`,
  );
}

/** `dss keys create`: CreateKeys. */
function registerCreate(keys: Command, rt: Runtime, mode: Mode): void {
  const create = keys
    .command('create')
    .description('create your key pair on the server, ECDSA P-256 unless told (CreateKeys)')
    .addOption(algorithmOption('ecdsa-p256 (default), ecdsa-p384 or ed25519'));
  withJson(withConnection(create, mode)).action(
    async (opts: { algorithm?: KeyAlgorithm }, self: Command) => {
      const session = await rt.session(self);
      const key = await session.run((c) => c.createKeys(opts.algorithm));
      rt.output(self).result({ username: session.username, ...key }, [
        `Created a key pair for ${session.username}.`,
        ...keyLines(key),
        'Sign a file with: dss sign FILE',
      ]);
    },
  );
}

/** `dss keys rotate`: a new key pair, the current one retired. */
function registerRotate(keys: Command, rt: Runtime, mode: Mode): void {
  const rotate = keys
    .command('rotate')
    .description(
      'make a new key pair and retire the current one: it never signs again, its public key and certificate stay available',
    )
    .addOption(algorithmOption('algorithm of the new key (default: the current key’s)'));
  withJson(withConnection(rotate, mode)).action(
    async (opts: { algorithm?: KeyAlgorithm }, self: Command) => {
      const session = await rt.session(self);
      const key = await session.run((c) => c.rotateKeys(opts.algorithm));
      rt.output(self).result({ username: session.username, ...key }, [
        `Rotated the key pair of ${session.username}: ${key.retiredKeyId} is retired.`,
        ...keyLines(key),
        `Signatures made before stay verifiable: dss verify FILE SIG --user ${session.username} --key-id ${key.retiredKeyId}`,
      ]);
    },
  );
}

/** `dss keys show [USERNAME]`: GetPublicKey, or the key's certificate. */
function registerShow(keys: Command, rt: Runtime, mode: Mode): void {
  const show = keys
    .command('show')
    .description("print your public key, or a colleague's (GetPublicKey)")
    .argument('[username]', 'whose key (default: yours)')
    .option('-o, --out <file>', 'write the public key (PEM) to this file')
    .option(
      '--certificate',
      'the X.509 certificate the DSS CA issued for the key, not the bare key',
    )
    .option('--key-id <id>', 'a key of the key history, active or retired, by its id')
    .option('--at <time>', 'the key that was active at this ISO 8601 time');
  withJson(withConnection(show, mode)).action(
    async (
      username: string | undefined,
      opts: { out?: string; certificate?: boolean; keyId?: string; at?: string },
      self: Command,
    ) => {
      if (opts.keyId !== undefined && opts.at !== undefined) {
        throw usageError('give at most one of --key-id and --at');
      }
      if (opts.at !== undefined && Number.isNaN(Date.parse(opts.at))) {
        throw usageError(`--at: not an ISO 8601 time: ${opts.at}`);
      }
      const session = await rt.session(self);
      const key = await session
        .run((c) => c.getPublicKey(username, { keyId: opts.keyId, at: opts.at }))
        .catch((err: unknown) => {
          if (
            err instanceof DssApiError &&
            err.code === 'no_key' &&
            username !== undefined &&
            opts.keyId === undefined &&
            opts.at === undefined
          ) {
            throw new CliError(
              'no_key',
              `${username} has no active key pair (or there is no such user)`,
              ExitCode.NotFound,
            );
          }
          throw err;
        });
      if (opts.certificate === true && key.certificate === undefined) {
        throw new CliError(
          'no_certificate',
          'this key pair has no certificate (the server has no CA, or the key predates it)',
          ExitCode.NotFound,
        );
      }
      const pem = opts.certificate === true ? key.certificate! : key.publicKey;
      const what = opts.certificate === true ? 'certificate' : 'public key';
      if (opts.out !== undefined) {
        try {
          await writeFile(opts.out, pem, { mode: 0o644 });
        } catch (err) {
          throw fileError(err, opts.out, 'write');
        }
      }
      if (key.rotateAdvised === true && key.username === session.username) {
        rt.output(self).note(ROTATE_HINT);
      }
      const owner = key.username === session.username ? 'Your' : `${key.username}'s`;
      rt.output(self).result(
        { ...key, ...(opts.out !== undefined ? { file: opts.out } : {}) },
        opts.out !== undefined
          ? [`Wrote ${key.username}'s ${what} to ${opts.out}.`, ...keyLines(key)]
          : [`${owner} ${what} (${key.username}):`, ...keyLines(key), pem.trimEnd()],
      );
    },
  );
}

/** `dss keys delete`: DeleteKeys, after a confirmation. */
function registerDelete(keys: Command, rt: Runtime, mode: Mode): void {
  const del = keys
    .command('delete')
    .description(
      'delete your key pair (DeleteKeys): it never signs again, and a new one needs an administrator',
    )
    .option('-y, --yes', 'do not ask for confirmation');
  withJson(withConnection(del, mode)).action(async (opts: { yes?: boolean }, self: Command) => {
    const session = await rt.session(self);
    const key = await session.run((c) => c.getPublicKey());
    if (!opts.yes) {
      if (!rt.prompter.interactive || rt.globals(self).passwordStdin) {
        throw usageError('refusing to delete the key pair without confirmation: pass --yes');
      }
      rt.output(self).note(
        `This deletes the key pair of ${session.username} (fingerprint ${key.fingerprint}).\n` +
          'It can never sign again, and a new key pair needs an administrator.',
      );
      if (!(await rt.prompter.confirm('Delete it?'))) {
        throw new CliError('cancelled', 'not deleted', ExitCode.Usage);
      }
    }
    const deleted = await session.run((c) => c.deleteKeys());
    rt.output(self).result(
      { username: session.username, fingerprint: key.fingerprint, ...deleted },
      [
        `Deleted the key pair ${deleted.keyId} of ${session.username}.`,
        ...(deleted.deletionDueAt !== undefined
          ? [
              `It no longer signs; it is destroyed at ${deleted.deletionDueAt} unless an administrator cancels (dss-admin keys cancel-deletion ${session.username}).`,
            ]
          : []),
        `A new key pair needs an administrator (dss-admin users allow-new-key ${session.username}).`,
      ],
    );
  });
}
