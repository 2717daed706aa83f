import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_TIMEOUT_SECONDS } from './settings';

/**
 * commander's Command, remembering which command a usage error came from so
 * the message can point at its `--help`.
 */
export class DssCommand extends Command {
  /** Set on the root: the full name of the command whose arguments were refused. */
  failedCommand?: string;

  override createCommand(name?: string): DssCommand {
    return new DssCommand(name);
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    const chain = [this as Command];
    while (chain[0].parent) chain.unshift(chain[0].parent);
    const root = chain[0];
    const names = chain.map((c) => c.name());
    (root as DssCommand).failedCommand ??= names.join(' ');
    return super.error(message, errorOptions);
  }
}

/** Whether a command runs from the command line or inside `dss shell` (no connection options). */
export type Mode = 'cli' | 'shell';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    throw new InvalidArgumentError('expected a number of seconds between 0 and 3600');
  }
  return n;
}

/** `--json`, on every command. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print machine-readable JSON (errors: {"error":{"code","message"}})');
}

/**
 * The options of commands that talk to the server (not inside `dss shell`,
 * which already holds a session). `user: false` for `verify`, whose `--user`
 * names the signer.
 */
export function withConnection(cmd: Command, mode: Mode, { user = true } = {}): Command {
  if (mode === 'shell') return cmd;
  cmd
    .option('--server <url>', 'DSS server URL (default: DSS_SERVER_URL, then config "server")')
    .option(
      '--server-key <file|fingerprint>',
      'pinned server key: dss_public.pem or its SHA-256 fingerprint (default: DSS_SERVER_KEY, then config "serverKey")',
    );
  if (user) {
    cmd.option(
      '-u, --user <name>',
      'your username (default: DSS_USER, then config "username", else asked)',
    );
  }
  return cmd
    .option(
      '--password-stdin',
      'read the password from standard input (one per line: current, then new when one is needed); else DSS_PASSWORD, else asked without echo',
    )
    .addOption(
      // No commander default: an explicit value before the command must not be overridden by a
      // default after it (timeoutMsOf applies the default).
      new Option(
        '--timeout <seconds>',
        `give up on an unanswered request after this long (default: ${DEFAULT_TIMEOUT_SECONDS})`,
      ).argParser(seconds),
    )
    .addOption(new Option('--password <password>').hideHelp());
}
