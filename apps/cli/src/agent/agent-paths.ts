import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-error';
import { ExitCode } from '../exit-codes';

/**
 * The directory of the user's agent sockets: `$XDG_RUNTIME_DIR/dss` (a per-user tmpfs that
 * ends with the login session), else `<tmpdir>/dss-<uid>`. Like ssh-agent's, it is the user's
 * own, mode 0700, so no other Unix user can reach a socket inside it.
 */
export function agentDir(env: NodeJS.ProcessEnv): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && runtime.startsWith('/')) return join(runtime, 'dss');
  return join(tmpdir(), `dss-${userInfo().uid}`);
}

/** The agent socket for one server (one login per server URL, as `gh` keeps one per host). */
export function agentSocketPath(env: NodeJS.ProcessEnv, serverUrl: string): string {
  const id = createHash('sha256').update(serverUrl, 'utf8').digest('hex').slice(0, 16);
  return join(agentDir(env), `agent-${id}.sock`);
}

/**
 * Creates the agent directory (0700) when missing and refuses one that another user owns or
 * that others may enter: a socket there could be swapped for someone else's.
 *
 * @throws CliError `agent_dir_insecure` (exit 1).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    throw new CliError(
      'agent_dir_insecure',
      `the agent directory ${dir} is not a private directory of yours (it must be owned by you with mode 0700); remove it or fix its mode`,
      ExitCode.Failure,
    );
  }
}
