/**
 * The verifiable log over real HTTP (docs/AUDIT-LOG.md): public routes, signing receipts, and
 * every inclusion and consistency proof for tree sizes 1..70 checked by an RFC 9162 verifier
 * written in the tests (test/support/rfc9162.ts), not by the server's own code.
 */
import { AccountsService } from '@dss/accounts';
import { openCheckpoint, parseVerifierKey, TransparencyLogService } from '@dss/audit';
import { DssClient } from '@dss/client';
import { AuditEventEntity } from '@dss/persistence';
import { readFileSync, statSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { startDss, type RunningDss } from './support/dss-server';
import {
  documentedLeaf,
  mth,
  rfcLeafHash,
  rfcPath,
  rfcProof,
  rfcVerifyConsistency,
  rfcVerifyInclusion,
} from './support/rfc9162';

const ACTOR = { type: 'operator' as const, name: 'test' };
const GOOD = 'a-long-and-unusual-passphrase-42';

describe('verifiable log (e2e)', () => {
  let server: RunningDss;
  let signer: DssClient;

  const get = async (path: string) => {
    const res = await fetch(server.url + path);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const getJson = async <T>(path: string) => {
    const r = await get(path);
    return { status: r.status, body: JSON.parse(r.text) as T };
  };

  async function leaves(): Promise<Buffer[]> {
    const rows = await server.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .find({ order: { seq: 'ASC' } });
    return rows.map(documentedLeaf);
  }

  beforeAll(async () => {
    server = await startDss({ env: { DSS_LOG_ORIGIN: 'dss.test/dss-audit' } });
    const accounts = server.app.get(AccountsService);
    const { temporaryPassword } = await accounts.register('alice', ACTOR);
    signer = new DssClient({ baseUrl: server.url, serverPublicKey: server.identity.publicKeyPem });
    await signer.login('alice', temporaryPassword);
    await signer.changePassword(temporaryPassword, GOOD);
    await signer.login('alice', GOOD);
    await signer.createKeys();
  });

  afterAll(async () => {
    await server.close();
  });

  it('creates the log key 0600 and serves it as a signed-note verifier key and SPKI PEM', async () => {
    expect(statSync(server.config.logKeyFile).mode & 0o777).toBe(0o600);
    const { status, body } = await getJson<{ verifierKey: string; publicKey: string }>(
      '/v1/log/key',
    );
    expect(status).toBe(200);
    expect(body.verifierKey).toMatch(/^dss\.test\/dss-audit\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    expect(body.publicKey).toContain('BEGIN PUBLIC KEY');
  });

  it('returns a receipt with every signature whose leaf names the signer, key, digest and time', async () => {
    const digest = Buffer.alloc(32, 9);
    const r = await signer.sign({ digest });
    expect(r.receipt).toBeDefined();
    const leaf = JSON.parse(r.receipt!.leaf.toString('utf8')) as Record<string, unknown>;
    expect(leaf).toMatchObject({
      seq: r.receipt!.logIndex + 1,
      action: 'signature.issued',
      actor: 'alice',
      subject: r.keyId,
      details: { digest: digest.toString('hex'), keyId: r.keyId, username: 'alice' },
    });
    expect(typeof leaf.at).toBe('string');
    // The leaf is the documented encoding of the stored event.
    expect((await leaves())[r.receipt!.logIndex].equals(r.receipt!.leaf)).toBe(true);
  });

  it('proves inclusion and consistency at every tree size from 1 to 70 to an independent RFC 9162 verifier', async () => {
    while ((await leaves()).length < 75) await signer.sign({ digest: Buffer.alloc(32, 1) });
    const latest = await server.app.get(TransparencyLogService).advance();
    const verifier = parseVerifierKey(
      (await getJson<{ verifierKey: string }>('/v1/log/key')).body.verifierKey,
    );
    const served = await get('/v1/log/checkpoint');
    expect(served.status).toBe(200);
    expect(served.type).toMatch(/^text\/plain/);
    const cp = openCheckpoint(served.text, verifier);
    expect(cp.size).toBeGreaterThanOrEqual(latest.size);
    const data = (await leaves()).slice(0, cp.size);
    expect(mth(data).equals(cp.rootHash)).toBe(true);

    for (let n = 1; n <= 70; n++) {
      const tree = data.slice(0, n);
      const root = mth(tree);
      // Every index at sizes 64..70; first, middle and last elsewhere (each request is real HTTP).
      const indexes = n >= 64 ? [...Array(n).keys()] : [...new Set([0, Math.floor(n / 2), n - 1])];
      for (const i of indexes) {
        const { status, body } = await getJson<{ index: number; size: number; hashes: string[] }>(
          `/v1/log/proof/inclusion?index=${i}&size=${n}`,
        );
        expect(status).toBe(200);
        expect(body).toMatchObject({ index: i, size: n });
        const proof = body.hashes.map((h) => Buffer.from(h, 'base64'));
        expect(proof).toEqual(rfcPath(i, tree));
        expect(rfcVerifyInclusion(i, n, rfcLeafHash(tree[i]), proof, root)).toBe(true);
      }
      for (const to of new Set([n, Math.min(n + 1, 70), 70, cp.size])) {
        const { status, body } = await getJson<{ from: number; to: number; hashes: string[] }>(
          `/v1/log/proof/consistency?from=${n}&to=${to}`,
        );
        expect(status).toBe(200);
        const proof = body.hashes.map((h) => Buffer.from(h, 'base64'));
        expect(proof).toEqual(rfcProof(n, data.slice(0, to)));
        expect(rfcVerifyConsistency(n, to, root, mth(data.slice(0, to)), proof)).toBe(true);
      }
    }
  });

  it('answers bad parameters with 400 and sizes beyond the tree with 404', async () => {
    for (const q of [
      'inclusion?index=-1&size=3',
      'inclusion?index=a&size=3',
      'inclusion?size=3',
      'inclusion?index=3&size=3',
      'consistency?from=0&to=3',
      'consistency?from=4&to=3',
      'consistency?from=1&to=1e3',
    ]) {
      const r = await getJson<{ error: { code: string } }>(`/v1/log/proof/${q}`);
      expect([q, r.status, r.body.error.code]).toEqual([q, 400, 'invalid_request']);
    }
    for (const q of ['inclusion?index=0&size=99999999', 'consistency?from=1&to=99999999']) {
      const r = await getJson<{ error: { code: string } }>(`/v1/log/proof/${q}`);
      expect([q, r.status, r.body.error.code]).toEqual([q, 404, 'beyond_tree']);
    }
  });

  it('appends every checkpoint to the checkpoint file outside the database', async () => {
    await signer.sign({ digest: Buffer.alloc(32, 2) });
    const latest = await server.app.get(TransparencyLogService).advance();
    const file = readFileSync(server.config.checkpointFile, 'utf8');
    expect(file.endsWith(latest.note)).toBe(true);
  });
});
