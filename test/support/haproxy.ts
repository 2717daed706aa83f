import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './spawn';

/** A Debian HAProxy the test started itself, in the foreground, on a free loopback port. */
export interface RunningHaproxy {
  /** `http://127.0.0.1:port`. */
  url: string;
  /** The configuration it runs with. */
  config: string;
  close(): Promise<void>;
}

const DEFAULTS = ['defaults', '  mode http', '  timeout connect 2s'];

/** Whether something accepts TCP connections on `port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs `haproxy -db` with the configuration `build(port)` makes, once it accepts connections. */
async function runHaproxy(build: (port: number) => string[]): Promise<RunningHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'dss-haproxy-'));
  const port = await freePort();
  const config = [...build(port), ''].join('\n');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready when it accepts connections (it prints nothing on success).
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`haproxy did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HaproxyOptions {
  /** The backend, `host:port`. */
  backend: string;
  /** The address HAProxy connects to the backend from (a loopback alias such as 127.0.0.2). */
  source?: string;
}

/**
 * HAProxy in HTTP mode with `option forwardfor` in front of one backend: it appends the address
 * of whoever connected to it to `X-Forwarded-For`, keeping what the client sent — the appending
 * proxy a client may try to fool.
 */
export function startHaproxy(options: HaproxyOptions): Promise<RunningHaproxy> {
  return runHaproxy((port) => [
    'global',
    '  maxconn 256',
    ...DEFAULTS,
    '  timeout client 30s',
    '  timeout server 30s',
    '  option forwardfor',
    'frontend api',
    `  bind 127.0.0.1:${port}`,
    '  default_backend dss',
    'backend dss',
    `  server dss1 ${options.backend}${options.source ? ` source ${options.source}` : ''}`,
  ]);
}

/**
 * HAProxy in front of several instances (`host:port`), round-robin, health-checking each every
 * 300 ms on `/healthz`; a request whose connection is refused is dispatched to another server.
 * Each answer names the server that gave it in `X-Served-By`.
 */
export function startFleetHaproxy(backends: string[]): Promise<RunningHaproxy> {
  return runHaproxy((port) => [
    'global',
    '  maxconn 4096',
    ...DEFAULTS,
    '  timeout client 60s',
    '  timeout server 60s',
    '  retries 2',
    '  option redispatch',
    'frontend dss',
    `  bind 127.0.0.1:${port}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    '  option httpchk GET /healthz',
    '  http-response set-header X-Served-By %[srv_name]',
    ...backends.map((b, i) => `  server dss${i + 1} ${b} check inter 300 fall 1 rise 2`),
  ]);
}
