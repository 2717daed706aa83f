import { type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';

/** A server process of a test's own (never the machine's), in a temporary directory. */
export interface OwnServerProcess {
  /** Stops the server (SIGTERM), keeping its port and directory for {@link start}. */
  stop(): Promise<void>;
  /** Starts it again, on the same port and directory. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a frozen server that accepts connections but never answers. */
  pause(): void;
  resume(): void;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/**
 * Polls `ready` until it answers true: throws when the server exits first or after `ms`.
 * `name` names the server in the error.
 */
export async function waitUntilReady(
  name: string,
  child: ChildProcess,
  ready: () => Promise<boolean>,
  { ms, everyMs }: { ms: number; everyMs: number },
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (child.exitCode !== null) throw new Error(`${name} exited at start`);
    if (Date.now() > deadline) throw new Error(`${name} did not start within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Starts a server with `launch` (which spawns it and waits until it is ready) and returns its
 * controls; `dir` is removed by `close`.
 */
export async function startOwnServer(
  dir: string,
  launch: () => Promise<ChildProcess>,
): Promise<OwnServerProcess> {
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = await launch();
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    // A paused server must be woken to handle its SIGTERM.
    c.kill('SIGCONT');
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    start,
    stop,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
