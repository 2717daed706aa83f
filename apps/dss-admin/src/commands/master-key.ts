import { AuditAction } from '@dss/audit';
import { DomainError, ErrorCode } from '@dss/common';
import { kekUsage, MasterKeyRing, recordKekCheck, rewrapAll } from '@dss/keystore';
import { type Command, Option } from 'commander';
import { type JsonFlag, jsonOption, print } from '../output';
import { ACTOR, type Services, withServices } from '../services';
import { loadRingForMove, type MoveTarget, moveMessage } from './master-key-move';

/** `rotate --to`: re-wraps every key pair under the moved master key (the ring's first). */
function moveMasterKey(to: MoveTarget, opts: JsonFlag): Promise<void> {
  return withServices(
    async (s) => {
      const retiredIds = s.ring.ids().slice(1);
      const result = await rewrapAll(s.dataSource, s.runner, s.ring);
      await recordKekCheck(s.dataSource, s.ring);
      const current = s.ring.current();
      await s.audit.record({
        actorType: 'operator',
        actor: ACTOR.name,
        action: AuditAction.MasterKeyRotated,
        details: {
          newKekId: current.id,
          kind: current.kind,
          retiredKekIds: retiredIds,
          rewrapped: result.rewrapped,
        },
      });
      print(
        opts,
        { newKekId: current.id, kind: current.kind, retiredKekIds: retiredIds, ...result },
        moveMessage(to, current.id, result.rewrapped),
      );
    },
    (config, creation) => loadRingForMove(to, config, creation),
  );
}

/** `rotate` without `--to`: a new key in the master key file, every key pair re-wrapped. */
async function rotateFileKey(s: Services, opts: JsonFlag): Promise<void> {
  if (s.ring.source !== 'file' || !s.ring.path) {
    throw new DomainError(
      ErrorCode.InvalidRequest,
      s.ring.source === 'pkcs11'
        ? 'the master key is in a PKCS#11 token: move it with `--to file`, or back with `--to pkcs11` under a new DSS_KEK_PKCS11_KEY_LABEL'
        : 'the master key comes from DSS_MASTER_KEY: put the new key first in that list, restart the service, then run `dss-admin master-key rewrap`',
    );
  }
  const { newId, retiredIds } = MasterKeyRing.rotateFile(s.ring.path);
  s.ring.reloadIfChanged();
  const result = await rewrapAll(s.dataSource, s.runner, s.ring);
  // The DSS CA and TSA keys are wrapped under the master key too.
  await s.pki.rewrapKeys();
  await recordKekCheck(s.dataSource, s.ring);
  await s.audit.record({
    actorType: 'operator',
    actor: ACTOR.name,
    action: AuditAction.MasterKeyRotated,
    details: { newKekId: newId, retiredKekIds: retiredIds, rewrapped: result.rewrapped },
  });
  print(
    opts,
    { newKekId: newId, retiredKekIds: retiredIds, ...result },
    `New master key ${newId}; re-wrapped ${result.rewrapped} key pair(s). Retired keys stay in ${s.ring.path} for reading until you remove them.`,
  );
}

/** `master-key status`: the key ids and how many key pairs each wraps (audited). */
async function showStatus(s: Services, opts: JsonFlag): Promise<void> {
  const usage = await kekUsage(s.dataSource);
  await s.audit.record({
    actorType: 'operator',
    actor: ACTOR.name,
    action: AuditAction.MasterKeyStatusRead,
    details: { usage },
  });
  const current = s.ring.current().id;
  print(
    opts,
    { current, known: s.ring.ids(), usage, source: s.ring.source },
    [
      `current master key: ${current} (${s.ring.source})`,
      ...Object.entries(usage).map(
        ([id, n]) =>
          `  ${id}: ${n} key pair(s)${id === current ? '' : ' — run `dss-admin master-key rewrap`'}`,
      ),
    ].join('\n'),
  );
}

/** `master-key rewrap`: every key pair (and the CA and TSA keys) under the current key. */
async function rewrap(s: Services, opts: JsonFlag): Promise<void> {
  const result = await rewrapAll(s.dataSource, s.runner, s.ring);
  // The DSS CA and TSA keys are wrapped under the master key too.
  await s.pki.rewrapKeys();
  await s.audit.record({
    actorType: 'operator',
    actor: ACTOR.name,
    action: AuditAction.MasterKeyRewrapped,
    details: { kekId: s.ring.current().id, rewrapped: result.rewrapped },
  });
  print(
    opts,
    { kekId: s.ring.current().id, ...result },
    `Re-wrapped ${result.rewrapped} key pair(s) under ${s.ring.current().id}.`,
  );
}

/** `dss-admin master-key status|rotate|rewrap`. */
export function registerMasterKeyCommands(program: Command): void {
  const masterKey = program
    .command('master-key')
    .description('the master key (KEK) that wraps users’ private keys');
  masterKey
    .command('status')
    .description('show the master key ids and how many keys each wraps')
    .addOption(jsonOption())
    .action((opts: JsonFlag) => withServices((s) => showStatus(s, opts)));
  masterKey
    .command('rotate')
    .description(
      'create a new master key (file source) and re-wrap every key pair under it; with --to, move the master key between a file and a PKCS#11 token',
    )
    .addOption(
      new Option(
        '--to <where>',
        'pkcs11: into the token of DSS_KEK_PKCS11_* (created there if missing); file: back to a new key in the master key file',
      ).choices(['file', 'pkcs11']),
    )
    .addOption(jsonOption())
    .action((opts: JsonFlag & { to?: MoveTarget }) =>
      opts.to !== undefined
        ? moveMasterKey(opts.to, opts)
        : withServices((s) => rotateFileKey(s, opts)),
    );
  masterKey
    .command('rewrap')
    .description('re-wrap every key pair under the current master key')
    .addOption(jsonOption())
    .action((opts: JsonFlag) => withServices((s) => rewrap(s, opts)));
}
