import { type UserSummary } from '@dss/accounts';
import { AuditAction } from '@dss/audit';
import { type Command, Option } from 'commander';
import { allPages, type JsonFlag, jsonOption, print } from '../output';
import { ACTOR, withServices } from '../services';
import { asOption, type AsFlag, requestApproval } from './approvals';

type UserStatus = 'active' | 'must_change_password' | 'locked' | 'disabled';

function credentialOutput(
  opts: JsonFlag,
  verb: string,
  r: { username: string; temporaryPassword: string; temporaryPasswordExpiresAt: Date },
): void {
  print(
    opts,
    {
      username: r.username,
      temporaryPassword: r.temporaryPassword,
      expiresAt: r.temporaryPasswordExpiresAt.toISOString(),
    },
    [
      `${verb} ${r.username}.`,
      `Temporary password (shown once): ${r.temporaryPassword}`,
      `Expires: ${r.temporaryPasswordExpiresAt.toISOString()}`,
      'Give it to the user over a trusted channel; they must choose a new password at first login.',
    ].join('\n'),
  );
}

function userLine(u: UserSummary): string {
  return `${u.username.padEnd(24)} ${u.status.padEnd(22)} ${u.keyCreationBlocked ? 'new key blocked' : ''}`.trimEnd();
}

/** `dss-admin users add|reset-password`: both print a one-time password. */
function registerCredentialCommands(users: Command): void {
  users
    .command('add')
    .description('register a user; prints a one-time temporary password')
    .argument('<username>', '3-64 characters of a-z 0-9 . _ -')
    .option('--full-name <name>', "full name for the user's certificates (else the username)")
    .option('--email <address>', "e-mail address for the user's certificates")
    .addOption(jsonOption())
    .action((username: string, opts: JsonFlag & { fullName?: string; email?: string }) =>
      withServices(async (s) =>
        credentialOutput(
          opts,
          'Registered',
          await s.accounts.register(username, ACTOR, {
            fullName: opts.fullName,
            email: opts.email,
          }),
        ),
      ),
    );
  users
    .command('reset-password')
    .description('issue a new temporary password (the user must change it at next login)')
    .argument('<username>')
    .addOption(jsonOption())
    .action((username: string, opts: JsonFlag) =>
      withServices(async (s) =>
        credentialOutput(
          opts,
          'Reset the password of',
          await s.accounts.resetPassword(username, ACTOR),
        ),
      ),
    );
}

/** `dss-admin users disable|enable|unlock|allow-new-key`. */
function registerStateCommands(users: Command): void {
  for (const [name, description, verb] of [
    ['disable', 'stop a user from logging in', 'Disabled'],
    ['enable', 'let a disabled or locked user log in again', 'Enabled'],
    ['unlock', 'end every login lock of a user, from every address', 'Unlocked'],
    [
      'allow-new-key',
      'let a user who deleted their key pair create a new one',
      'Allowed a new key pair for',
    ],
  ] as const) {
    const command = users
      .command(name)
      .description(description)
      .argument('<username>')
      .addOption(jsonOption());
    if (name === 'allow-new-key') command.addOption(asOption());
    command.action((username: string, opts: JsonFlag & AsFlag) =>
      withServices(async (s) => {
        if (name === 'allow-new-key' && (await requestApproval(s, 'allow_new_key', username, opts)))
          return;
        const method = name === 'allow-new-key' ? 'allowNewKey' : name;
        await s.accounts[method](username, ACTOR);
        const u = await s.accounts.get(username);
        print(
          opts,
          { username: u.username, status: u.status, keyCreationBlocked: u.keyCreationBlocked },
          `${verb} ${u.username}.`,
        );
      }),
    );
  }
}

/** `dss-admin users list` (audited as `user.listed`). */
function registerListCommand(users: Command): void {
  users
    .command('list')
    .description('list users with their status')
    .addOption(
      new Option('--status <status>', 'only users in this status').choices([
        'active',
        'must_change_password',
        'locked',
        'disabled',
      ]),
    )
    .option('--search <text>', 'only usernames containing this text')
    .addOption(jsonOption())
    .action((opts: JsonFlag & { status?: UserStatus; search?: string }) =>
      withServices(async (s) => {
        const items = await allPages((page) =>
          s.accounts.list({ status: opts.status, search: opts.search, ...page }),
        );
        await s.audit.record({
          actorType: 'operator',
          actor: ACTOR.name,
          action: AuditAction.UsersListed,
          details: { count: items.length, status: opts.status, search: opts.search },
        });
        print(
          opts,
          { users: items },
          items.length === 0 ? 'No users.' : items.map(userLine).join('\n'),
        );
      }),
    );
}

/** `dss-admin users …`: register and manage employees. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('register and manage employees');
  registerCredentialCommands(users);
  registerStateCommands(users);
  registerListCommand(users);
}
