import { json } from 'express';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { jsonBody, type JsonBodyError, type WithBody } from './json-body';

const LIMIT = 64;

/** What a stage left: the body, or the type of its error. */
interface Outcome {
  body?: unknown;
  error?: string;
}

/** A server that reads each body with the pipeline's stage or with body-parser alone. */
function listen(): Promise<Server> {
  const stage = jsonBody(LIMIT);
  const parser = json({ limit: LIMIT, strict: true, type: 'application/json' });
  const server = createServer((req, res) => {
    const done = (err?: JsonBodyError): void => {
      const outcome: Outcome = err ? { error: err.type } : { body: (req as WithBody).body };
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(outcome));
    };
    if (req.headers['x-reader'] === 'stage') stage(req, res, done);
    else parser(req, res, (err?: unknown) => done(err as JsonBodyError | undefined));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function send(server: Server, reader: string, headers: Record<string, string>, body: Buffer) {
  const { port } = server.address() as AddressInfo;
  return new Promise<Outcome>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { ...headers, 'X-Reader': reader },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Outcome));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = 'application/json';
const cases: [string, Record<string, string>, Buffer][] = [
  ['object', { 'Content-Type': JSON_TYPE }, Buffer.from('{"a":1}')],
  ['array after whitespace', { 'Content-Type': JSON_TYPE }, Buffer.from(' \n[1,2]')],
  ['empty', { 'Content-Type': JSON_TYPE }, Buffer.alloc(0)],
  ['whitespace only', { 'Content-Type': JSON_TYPE }, Buffer.from('  ')],
  ['byte order mark', { 'Content-Type': JSON_TYPE }, Buffer.from('\ufeff{"a":"é"}')],
  ['primitive', { 'Content-Type': JSON_TYPE }, Buffer.from('"text"')],
  ['not JSON', { 'Content-Type': JSON_TYPE }, Buffer.from('{"a":')],
  [
    'bad UTF-8',
    { 'Content-Type': JSON_TYPE },
    Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
  ],
  ['charset UTF-8', { 'Content-Type': 'application/json; charset=UTF-8' }, Buffer.from('{}')],
  ['quoted charset', { 'Content-Type': 'application/json;charset="utf-8"' }, Buffer.from('{}')],
  ['charset utf8', { 'Content-Type': 'application/json; charset=utf8' }, Buffer.from('{}')],
  ['charset latin1', { 'Content-Type': 'application/json; charset=latin1' }, Buffer.from('{}')],
  ['malformed type', { 'Content-Type': 'application/json; foo' }, Buffer.from('{}')],
  ['other type', { 'Content-Type': 'text/plain' }, Buffer.from('{}')],
  ['no type', {}, Buffer.from('{}')],
  ['over the limit', { 'Content-Type': JSON_TYPE }, Buffer.from(`{"a":"${'x'.repeat(LIMIT)}"}`)],
  ['at the limit', { 'Content-Type': JSON_TYPE }, Buffer.from(`{"a":"${'x'.repeat(LIMIT - 8)}"}`)],
  [
    'identity coding',
    { 'Content-Type': JSON_TYPE, 'Content-Encoding': 'identity' },
    Buffer.from('{}'),
  ],
  ['unknown coding', { 'Content-Type': JSON_TYPE, 'Content-Encoding': 'br2' }, Buffer.from('{}')],
];

describe('jsonBody', () => {
  let server: Server;
  beforeAll(async () => {
    server = await listen();
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each(cases)('reads %s exactly as the JSON body parser does', async (_name, headers, body) => {
    const expected = await send(server, 'parser', headers, body);
    expect(await send(server, 'stage', headers, body)).toEqual(expected);
  });

  it('reads chunked bodies, and errors, through the body parser', async () => {
    const { port } = server.address() as AddressInfo;
    const outcome = await new Promise<Outcome>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          headers: { 'Content-Type': JSON_TYPE, 'X-Reader': 'stage' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Outcome),
          );
        },
      );
      req.on('error', reject);
      req.write('{"a":');
      req.end('[1]}');
    });
    expect(outcome).toEqual({ body: { a: [1] } });
  });

  it('answers the cases above with both outcomes (the comparison is not vacuous)', async () => {
    const seen = await Promise.all(cases.map(([, h, b]) => send(server, 'stage', h, b)));
    expect(seen.filter((o) => o.error !== undefined).map((o) => o.error)).toEqual(
      expect.arrayContaining(['entity.parse.failed', 'entity.too.large', 'charset.unsupported']),
    );
    expect(seen.some((o) => o.body !== undefined)).toBe(true);
  });
});
