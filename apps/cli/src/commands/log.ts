import { LogWitness } from '@dss/client';
import { type Command } from 'commander';
import { type Mode, withConnection, withJson } from '../dss-command';
import { FileWitnessStore } from '../log-witness-store';
import { type Runtime } from '../runtime';
import { timeoutMsOf } from '../settings';

/** `dss log check`: witness the server's audit log now (docs/AUDIT-LOG.md §7). */
export function registerLog(program: Command, rt: Runtime, mode: Mode): void {
  const log = program
    .command('log')
    .description("the server's verifiable audit log: its signed checkpoints, witnessed here");
  const cmd = log
    .command('check')
    .description(
      'fetch the latest signed checkpoint and check that it extends the one this client saw before (exit 8 on a rollback or fork)',
    )
    .option('--verifier-key <vkey>', "the log's verifier key, if you have it from elsewhere");
  withJson(withConnection(cmd, mode, { user: false })).action(
    async (opts: { verifierKey?: string }, self: Command) => {
      const out = rt.output(self);
      const server = rt.serverUrl(self);
      const witness = new LogWitness({
        baseUrl: server,
        store: new FileWitnessStore(rt.configPath()),
        verifierKey: opts.verifierKey,
        timeoutMs: timeoutMsOf(rt.globals(self)),
      });
      const r = await witness.check();
      out.result(
        {
          server,
          origin: r.checkpoint.origin,
          size: r.checkpoint.size,
          rootHash: r.checkpoint.rootHash.toString('base64'),
          previousSize: r.previousSize,
          verifierKey: r.verifierKey,
          checkpoint: r.note,
        },
        [
          `Log ${r.checkpoint.origin}: ${r.checkpoint.size} entries, root ${r.checkpoint.rootHash.toString('base64')}`,
          r.previousSize === null
            ? `First check of this server: its log key ${r.verifierKey} is now remembered; compare it with the one your administrator published.`
            : `Consistent with the checkpoint of ${r.previousSize} entries seen before.`,
        ],
      );
    },
  );
}
