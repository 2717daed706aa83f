import { LogWitness, type OwnEvent } from '@dss/client';
import { type Command } from 'commander';
import { type Mode, withConnection, withJson } from '../dss-command';
import { FileWitnessStore } from '../log-witness-store';
import { CliError } from '../cli-error';
import { ExitCode } from '../exit-codes';
import { type Runtime } from '../runtime';
import { timeoutMsOf } from '../settings';

/** A positive decimal integer option, or a usage error naming the option. */
function positive(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = /^[1-9]\d{0,15}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n > max)
      throw new CliError(
        'invalid_option',
        `${name} must be a whole number from 1 to ${max}`,
        ExitCode.Usage,
      );
    return n;
  };
}

function eventLine(e: OwnEvent): string {
  const who = e.actorType === 'user' ? e.actor : `${e.actorType} ${e.actor}`;
  return `#${e.logIndex}  ${e.at}  ${e.action}  by ${who}${e.subject ? `  on ${e.subject}` : ''}`;
}

/**
 * `dss log check`: witness the server's audit log now (docs/AUDIT-LOG.md §7).
 * `dss log events`: the user's own audit events (docs/AUDIT-LOG.md §5.1).
 */
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

  const events = log
    .command('events')
    .description(
      'your own audit events, newest first: logins, keys, signatures, what administrators did to your account',
    )
    .option('-n, --limit <n>', 'how many (1–100)', positive('--limit', 100), 20)
    .option(
      '--before <index>',
      'only events before this log index (the "more" hint of the previous page)',
      positive('--before', Number.MAX_SAFE_INTEGER),
    );
  withJson(withConnection(events, mode)).action(
    async (opts: { limit: number; before?: number }, self: Command) => {
      const session = await rt.session(self);
      const page = await session.run((c) =>
        c.ownEvents({ limit: opts.limit, before: opts.before }),
      );
      rt.output(self).result(page, [
        ...(page.events.length === 0 ? ['No events.'] : page.events.map(eventLine)),
        ...(page.next === null ? [] : [`More: dss log events --before ${page.next}`]),
      ]);
    },
  );
}
