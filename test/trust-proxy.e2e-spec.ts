/**
 * Client addresses behind a real appending proxy (HAProxy with `option forwardfor`): the address
 * used for the per-address limits is the right-most untrusted `X-Forwarded-For` entry, so what a
 * client writes into the header never moves it to another limit bucket (docs/OPERATIONS.md).
 *
 * Loopback aliases stand in for machines: the clients connect from 127.0.0.3 and 127.0.0.4, and
 * HAProxy connects to the service from 127.0.0.2.
 */
import { clientHandshakeStart } from '@dss/secure-channel';
import { request as httpRequest } from 'node:http';
import { startAdmin } from './support/admin-server';
import { startDss, type RunningDss } from './support/dss-server';
import { type RunningHaproxy, startHaproxy } from './support/haproxy';

const CLIENT_A = '127.0.0.3';
const CLIENT_B = '127.0.0.4';
const PROXY = '127.0.0.2';

/** One request from `from`, with `X-Forwarded-For: spoof` when given; its status and headers. */
function send(
  url: string,
  method: string,
  path: string,
  from: string,
  spoof?: string,
  body?: unknown,
): Promise<{ status: number; requestId: string | undefined }> {
  const target = new URL(path, url);
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method,
        localAddress: from,
        agent: false,
        headers: {
          ...(text === undefined
            ? {}
            : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }),
          ...(spoof === undefined ? {} : { 'X-Forwarded-For': spoof }),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            requestId: res.headers['x-request-id'] as string | undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const handshake = async (proxy: RunningHaproxy, from: string, spoof?: string) =>
  (await send(proxy.url, 'POST', '/v1/handshake', from, spoof, clientHandshakeStart().request))
    .status;

describe('client addresses behind an appending proxy (e2e, HAProxy)', () => {
  // The handshake limit: a burst of one per address, then 429 for half a minute.
  const limited = { DSS_HANDSHAKE_RATE_LIMIT: '2' };

  async function behindHaproxy(
    trust: string,
    run: (proxy: RunningHaproxy, server: RunningDss) => Promise<void>,
  ): Promise<void> {
    const server = await startDss({ env: { ...limited, DSS_TRUST_PROXY: trust } });
    const proxy = await startHaproxy({
      backend: new URL(server.url).host,
      source: PROXY,
    }).catch(async (err: unknown) => {
      await server.close();
      throw err;
    });
    try {
      await run(proxy, server);
    } finally {
      await proxy.close();
      await server.close();
    }
  }

  it.each([
    ['the proxy by address', PROXY],
    ['the proxy by CIDR, with another trusted range', '127.0.0.2/32, 10.0.0.0/8'],
    ['one hop', '1'],
    ['true (one hop)', 'true'],
  ])(
    'trusting %s, spoofed X-Forwarded-For entries never move the client to another bucket',
    async (_name, trust) => {
      await behindHaproxy(trust, async (proxy) => {
        const outcomes = {
          first: await handshake(proxy, CLIENT_A),
          again: await handshake(proxy, CLIENT_A),
          spoofedOther: await handshake(proxy, CLIENT_A, '198.51.100.7'),
          spoofedAsB: await handshake(proxy, CLIENT_A, CLIENT_B),
          // A client claiming to be a trusted proxy (10.0.0.0/8) forwarding for someone else.
          spoofedChain: await handshake(proxy, CLIENT_A, '198.51.100.8, 10.5.5.5'),
          otherClient: await handshake(proxy, CLIENT_B),
        };
        expect(outcomes).toEqual({
          first: 200,
          again: 429,
          spoofedOther: 429,
          spoofedAsB: 429,
          spoofedChain: 429,
          otherClient: 200,
        });
      });
    },
  );

  it('trusting no proxy, every client behind it shares the proxy address', async () => {
    await behindHaproxy('false', async (proxy) => {
      expect([
        await handshake(proxy, CLIENT_A),
        await handshake(proxy, CLIENT_A, '198.51.100.7'),
        await handshake(proxy, CLIENT_B),
      ]).toEqual([200, 429, 429]);
    });
  });

  it('gives the admin app the same client address and request ids', async () => {
    const admin = await startAdmin({ env: { DSS_TRUST_PROXY: PROXY } });
    const proxy = await startHaproxy({ backend: new URL(admin.url).host, source: PROXY });
    try {
      const answer = await send(proxy.url, 'GET', '/api/auth/me', CLIENT_A, '198.51.100.7');
      expect(answer.status).toBe(401);
      expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const line = admin
        .logs()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; reqId?: string; ip?: string; app?: string })
        .find((l) => l.msg === 'request' && l.reqId === answer.requestId);
      expect(line).toMatchObject({ app: 'admin', ip: CLIENT_A });
    } finally {
      await proxy.close();
      await admin.close();
    }
  });
});

describe('DSS_TRUST_PROXY without a proxy in front (e2e)', () => {
  it('takes the right-most untrusted entry for a hop count', async () => {
    const server = await startDss({
      env: { DSS_HANDSHAKE_RATE_LIMIT: '2', DSS_TRUST_PROXY: '2' },
    });
    try {
      // Two hops trusted: the peer and the right-most entry; the client is the one before it.
      const statuses = [];
      for (const chain of [
        '1.1.1.1, 2.2.2.2, 3.3.3.3',
        '9.9.9.9, 2.2.2.2, 4.4.4.4',
        '2.2.2.2, 6.6.6.6, 5.5.5.5',
      ]) {
        statuses.push(await handshakeDirect(server, chain));
      }
      expect(statuses).toEqual([200, 429, 200]);
    } finally {
      await server.close();
    }
  });
});

async function handshakeDirect(server: RunningDss, forwardedFor: string): Promise<number> {
  return (
    await send(
      server.url,
      'POST',
      '/v1/handshake',
      '127.0.0.1',
      forwardedFor,
      clientHandshakeStart().request,
    )
  ).status;
}
