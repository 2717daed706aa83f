import { CommanderError } from 'commander';
import { usageError } from './cli-error';
import { type DssCommand } from './dss-command';
import { reportOf } from './error-report';
import { ExitCode } from './exit-codes';
import { type Output } from './output';

/**
 * Prints a failure (a usage error from commander, or any other error) the way
 * the user should see it, and returns its exit code.
 */
export function reportFailure(
  err: unknown,
  program: DssCommand,
  out: Output,
  serverUrl?: string,
): ExitCode {
  if (err instanceof CommanderError) {
    // --help and --version: printed, success.
    if (err.exitCode === 0) return ExitCode.Ok;
    // A command with subcommands but none given: commander printed its help.
    if (err.code === 'commander.help') return ExitCode.Usage;
    const where = program.failedCommand ?? program.name();
    out.error(
      reportOf(usageError(`${err.message.replace(/^error: /, '')} (see '${where} --help')`)),
    );
    return ExitCode.Usage;
  }
  const report = reportOf(err, serverUrl);
  out.error(report);
  return report.exitCode;
}

/** Whether `--json` is among the words before a `--`. */
export function wantsJson(words: readonly string[]): boolean {
  const end = words.indexOf('--');
  return (end === -1 ? words : words.slice(0, end)).includes('--json');
}
