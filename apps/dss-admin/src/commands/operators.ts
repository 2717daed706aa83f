import { OPERATOR_ROLES, type OperatorSummary } from '@dss/accounts';
import { AuditAction } from '@dss/audit';
import { type Command, Option } from 'commander';
import { allPages, type JsonFlag, jsonOption, print } from '../output';
import { ACTOR, withServices } from '../services';

function operatorCredentialOutput(
  opts: JsonFlag,
  verb: string,
  r: {
    username: string;
    role: string;
    temporaryPassword: string;
    temporaryPasswordExpiresAt: Date;
  },
): void {
  print(
    opts,
    {
      username: r.username,
      role: r.role,
      temporaryPassword: r.temporaryPassword,
      temporaryPasswordExpiresAt: r.temporaryPasswordExpiresAt.toISOString(),
    },
    [
      `${verb} operator ${r.username} (${r.role}).`,
      `One-time password (shown once): ${r.temporaryPassword}`,
      `It expires at ${r.temporaryPasswordExpiresAt.toISOString()}.`,
      'Give it to the operator over a trusted channel; they must choose a new password at first login to the admin app.',
    ].join('\n'),
  );
}

function operatorLine(o: OperatorSummary): string {
  return `${o.username.padEnd(24)} ${o.role.padEnd(8)} ${o.status}`.trimEnd();
}

/** `dss-admin operators add|reset-password`: both print a one-time password. */
function registerCredentialCommands(operators: Command): void {
  operators
    .command('add')
    .description('create an operator; prints a one-time password')
    .argument('<username>', '3-64 characters of a-z 0-9 . _ - (the admin app login)')
    .addOption(
      new Option('--role <role>', 'admin (read and write) or auditor (read-only)')
        .choices(OPERATOR_ROLES)
        .makeOptionMandatory(),
    )
    .addOption(jsonOption())
    .action((username: string, opts: JsonFlag & { role: 'admin' | 'auditor' }) =>
      withServices(async (s) =>
        operatorCredentialOutput(
          opts,
          'Created',
          await s.operators.create(username, opts.role, ACTOR),
        ),
      ),
    );
  operators
    .command('reset-password')
    .description('issue a new one-time password, clear a lockout and end the operator’s sessions')
    .argument('<username>')
    .addOption(jsonOption())
    .action((username: string, opts: JsonFlag) =>
      withServices(async (s) =>
        operatorCredentialOutput(
          opts,
          'Reset the password of',
          await s.operators.resetPassword(username, ACTOR),
        ),
      ),
    );
}

/** `dss-admin operators disable|enable|unlock`. */
function registerStateCommands(operators: Command): void {
  for (const [name, description, verb] of [
    ['disable', 'stop an operator from logging in and end their sessions', 'Disabled'],
    ['enable', 'let a disabled or locked operator log in again', 'Enabled'],
    ['unlock', 'end every login lock of an operator, from every address', 'Unlocked'],
  ] as const) {
    operators
      .command(name)
      .description(description)
      .argument('<username>')
      .addOption(jsonOption())
      .action((username: string, opts: JsonFlag) =>
        withServices(async (s) => {
          const change = await s.operators[name](username, ACTOR);
          const o = change.operator;
          print(
            opts,
            { username: o.username, role: o.role, status: o.status, changed: change.changed },
            `${verb} operator ${o.username}.`,
          );
        }),
      );
  }
}

/** `dss-admin operators …`: the admin app's admins and auditors. */
export function registerOperatorCommands(program: Command): void {
  const operators = program
    .command('operators')
    .description('operators of the admin app: admins (read and write) and auditors (read-only)');
  registerCredentialCommands(operators);
  registerStateCommands(operators);
  operators
    .command('list')
    .description('list the operators with their role and status')
    .addOption(jsonOption())
    .action((opts: JsonFlag) =>
      withServices(async (s) => {
        const items = await allPages((page) => s.operators.list(page));
        await s.audit.record({
          actorType: 'operator',
          actor: ACTOR.name,
          action: AuditAction.OperatorsListed,
          details: { count: items.length },
        });
        print(
          opts,
          { operators: items },
          items.length === 0 ? 'No operators.' : items.map(operatorLine).join('\n'),
        );
      }),
    );
}
