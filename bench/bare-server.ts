/**
 * What the two ceiling servers share: a bare `node:http` server, no framework, that reads a JSON
 * body, hands it to the handler of its route and answers JSON. Channel errors become the plain
 * error answers of PROTOCOL.md §3.2. Once it listens it prints one JSON line on standard output
 * (its port and whatever the benchmark needs to know), which `startBareServer` in service.ts waits
 * for.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { ChannelError } from '@dss/secure-channel/protocol';

/** Answers one request whose body parsed as JSON; may throw a ChannelError. */
export type RouteHandler = (res: ServerResponse, body: unknown) => void;

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function plainError(res: ServerResponse, status: number, code: string): void {
  send(res, status, { error: { code, message: code } });
}

function handler(routes: Record<string, RouteHandler>) {
  const byKey = new Map(Object.entries(routes));
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(
          (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8'),
        ) as unknown;
        const route = byKey.get(`${req.method} ${req.url}`);
        if (route) return route(res, body);
        plainError(res, 404, 'not_found');
      } catch (err) {
        if (err instanceof ChannelError) return plainError(res, err.status, err.code);
        plainError(res, 400, 'bad_request');
      }
    });
  };
}

/**
 * Serves `routes` (keyed `"<METHOD> <path>"`) on 127.0.0.1 (port BENCH_CEILING_PORT, or any
 * free one), prints `{port, ...describe()}` once it listens, and closes on SIGINT/SIGTERM.
 */
export function serveBare(
  routes: Record<string, RouteHandler>,
  describe: () => Record<string, unknown>,
): void {
  const server = createServer(handler(routes));
  server.listen(Number(process.env.BENCH_CEILING_PORT ?? 0), '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ port, ...describe() })}\n`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    });
  }
}
