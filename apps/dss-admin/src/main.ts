import 'reflect-metadata';
import { ConfigError } from '@dss/config';
import { DomainError } from '@dss/common';
import { Command, CommanderError } from 'commander';
import { registerApprovalCommands } from './commands/approvals';
import { registerAuditCommands } from './commands/audit-log';
import { registerCaCommands } from './commands/ca';
import { registerDoctor } from './commands/doctor';
import { registerKeyCommands } from './commands/keys';
import { registerMasterKeyCommands } from './commands/master-key';
import { registerOperatorCommands } from './commands/operators';
import { registerUserCommands } from './commands/users';
import { ExitCode, exitCodeOf } from './exit-codes';
import { ACTOR, withServices } from './services';

/** The command line; each command group is registered from its file in commands/. */
function buildProgram(): Command {
  const program = new Command('dss-admin')
    .description(
      'Operator commands for DSS, run on the server host against the configured database.',
    )
    .showHelpAfterError()
    .exitOverride();
  registerUserCommands(program);
  registerOperatorCommands(program);
  registerMasterKeyCommands(program);
  registerDoctor(program);
  registerKeyCommands(program);
  registerApprovalCommands(program);
  registerAuditCommands(program);
  registerCaCommands(program, {
    withPki: (work) => withServices((s) => work(s.pki)),
    actor: ACTOR,
  });
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and exit 0; everything else commander rejects is a usage error.
      process.exitCode = err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
      return;
    }
    const message =
      err instanceof ConfigError
        ? `configuration error: ${err.message}`
        : err instanceof DomainError
          ? err.message
          : err instanceof Error
            ? err.message
            : String(err);
    process.stderr.write(`dss-admin: ${message}\n`);
    process.exitCode = exitCodeOf(err);
  }
}

void main(process.argv);
