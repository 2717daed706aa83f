import { type Command } from 'commander';
import { type JsonFlag, jsonOption, print } from '../output';
import { ACTOR, withServices } from '../services';
import { asOption, type AsFlag, requestApproval } from './approvals';

/** `dss-admin keys pending-deletions|cancel-deletion`. */
export function registerKeyCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description("users' key pairs: deletions waiting out DSS_KEY_DELETION_GRACE");
  keys
    .command('pending-deletions')
    .description('list key deletions that wait out the grace period, soonest first')
    .addOption(jsonOption())
    .action((opts: JsonFlag) =>
      withServices(async (s) => {
        const items = await s.keyDeletions.pending();
        print(
          opts,
          { items },
          items.length === 0
            ? 'No key deletion is pending.'
            : items
                .map((d) => `${d.username}  ${d.keyId}  requested ${d.requestedAt}  due ${d.dueAt}`)
                .join('\n'),
        );
      }),
    );
  keys
    .command('cancel-deletion')
    .description("cancel a user's pending key deletion: the key signs again at once")
    .argument('<username>')
    .addOption(asOption())
    .addOption(jsonOption())
    .action((username: string, opts: JsonFlag & AsFlag) =>
      withServices(async (s) => {
        if (await requestApproval(s, 'cancel_deletion', username, opts)) return;
        const cancelled = await s.keyDeletions.cancel(username, ACTOR);
        print(
          opts,
          { cancelled: true, ...cancelled },
          `Cancelled the deletion of ${cancelled.username}'s key pair ${cancelled.keyId}; it signs again.`,
        );
      }),
    );
}
