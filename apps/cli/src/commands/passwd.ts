import { type Command } from 'commander';
import { type Mode, withConnection, withJson } from '../dss-command';
import { type Runtime } from '../runtime';
import { changePassword } from '../session';

/** `dss passwd`: changes the password (current password, then the new one twice). */
export function registerPasswd(program: Command, rt: Runtime, mode: Mode): void {
  const cmd = program
    .command('passwd')
    .description('change your password (asks for the current one, then the new one twice)');
  withJson(withConnection(cmd, mode)).action(async (_opts: object, self: Command) => {
    const out = rt.output(self);
    const passwords = rt.passwords(self);
    const session = await rt.session(self);
    // A first login during this very command has just changed it.
    if (rt.shellSession || !session.passwordChanged) {
      // From the command line the login just used the current password; in the
      // shell it is asked again, as passwd(1) does.
      const current =
        session.password ?? (await passwords.current(session.username, 'Current password: '));
      const next = await changePassword(session.client, passwords, out, current);
      // The session is open again (PROTOCOL.md §4): the shell logs in with the new password.
      if (rt.shellSession) await session.client.login(session.username, next);
      session.password = next;
    }
    out.result(
      { username: session.username, changed: true },
      `Password of ${session.username} changed.`,
    );
  });
  cmd.addHelpText(
    'after',
    `
Scripts: printf '%s\\n%s\\n' "$OLD" "$NEW" | dss passwd --password-stdin`,
  );
}
