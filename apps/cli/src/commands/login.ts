import { type Command } from 'commander';
import { withConnection, withJson } from '../dss-command';
import { type Runtime } from '../runtime';

/** `dss login`: checks the credentials (and performs a first login's password change). */
export function registerLogin(program: Command, rt: Runtime): void {
  const cmd = program
    .command('login')
    .description(
      'check your credentials: verify the server against the pinned key, log in (on a first login, change the temporary password), log out',
    );
  withJson(withConnection(cmd, 'cli')).action(async (_opts: object, self: Command) => {
    const session = await rt.session(self);
    rt.output(self).result(
      {
        username: session.username,
        server: session.serverUrl,
        serverFingerprint: session.serverFingerprint,
        passwordChanged: session.passwordChanged,
      },
      [
        `Logged in as ${session.username} at ${session.serverUrl}.`,
        `Server key verified: ${session.serverFingerprint}`,
        ...(session.passwordChanged ? ['Your new password is set.'] : []),
      ],
    );
  });
  cmd.addHelpText(
    'after',
    `
Examples:
  dss login                          # asks for the password without echo
  DSS_PASSWORD=... dss login --json  # for scripts`,
  );
}
