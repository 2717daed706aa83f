import { request as httpRequest } from 'node:http';

/** What a request sent from one local address answered. */
export interface BoundAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request whose socket is bound to `localAddress` (e.g. `127.0.0.2`, also loopback on
 * Linux), so the server sees that client address without any proxy header.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<BoundAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A `fetch` (for `DssClient`) whose connections come from `localAddress`. */
export function fetchFrom(localAddress: string): typeof fetch {
  return async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const answer = await requestFrom(
      localAddress,
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      {
        method: init?.method,
        headers,
        body: typeof init?.body === 'string' ? init.body : undefined,
      },
    );
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(answer.headers)) {
      if (typeof value === 'string') responseHeaders.set(key, value);
    }
    const empty = answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : answer.text, {
      status: answer.status,
      headers: responseHeaders,
    });
  };
}
