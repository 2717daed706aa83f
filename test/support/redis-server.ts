import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OwnServerProcess, startOwnServer, waitUntilReady } from './own-server';
import { freePort } from './spawn';

/**
 * A redis-server of a test's own, on a free port in a temporary directory, no persistence: it
 * comes back empty from {@link OwnServerProcess.start}.
 */
export interface OwnRedis extends OwnServerProcess {
  url: string;
  port: number;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts a redis-server of the test's own (never the machine's). */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'dss-redis-'));
  const server = await startOwnServer(dir, async () => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    await waitUntilReady('redis-server', child, () => portOpen(port), { ms: 10_000, everyMs: 50 });
    return child;
  });
  return { url: `redis://127.0.0.1:${port}`, port, ...server };
}
