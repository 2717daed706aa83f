/**
 * A user's own audit events behind the secure channel (docs/AUDIT-LOG.md §5.1), each provably in
 * the log; and the SDK as a witness of the log (§7): it keeps the checkpoint it verified, checks
 * every newer one, and refuses a server whose log no longer extends what it saw.
 */
import { AccountsService } from '@dss/accounts';
import { checkpointBody, signNote, TransparencyLogService } from '@dss/audit';
import {
  DssApiError,
  DssClient,
  DssLogInconsistentError,
  MemoryWitnessStore,
  type OwnEvent,
} from '@dss/client';
import { randomBytes } from 'node:crypto';
import { registerUser, Workstation } from './support/cli';
import { startDss, type RunningDss } from './support/dss-server';
import { rfcLeafHash, rfcVerifyInclusion } from './support/rfc9162';

const GOOD = 'rosa-picks-a-long-passphrase-5';
const ACTOR = { type: 'operator' as const, name: 'test' };

describe('own audit events and the SDK as a log witness (e2e)', () => {
  let server: RunningDss;
  const advance = () => server.app.get(TransparencyLogService).advance();

  async function activeClient(name: string, witness?: MemoryWitnessStore): Promise<DssClient> {
    const { temporaryPassword } = await server.app.get(AccountsService).register(name, ACTOR);
    const client = new DssClient({
      baseUrl: server.url,
      serverPublicKey: server.identity.publicKeyPem,
      witness,
      witnessIntervalMs: 0,
    });
    await client.login(name, temporaryPassword);
    await client.changePassword(temporaryPassword, GOOD);
    await client.login(name, GOOD);
    return client;
  }

  async function checkpoint(): Promise<{ size: number; root: Buffer }> {
    const text = await (await fetch(`${server.url}/v1/log/checkpoint`)).text();
    const [, size, root] = text.split('\n');
    return { size: Number(size), root: Buffer.from(root, 'base64') };
  }

  beforeAll(async () => {
    server = await startDss();
  });

  afterAll(async () => {
    await server.close();
  });

  it("shows users their own events, newest first, each provably in the log, and no one else's", async () => {
    const rosa = await activeClient('rosa');
    const sam = await activeClient('sam');
    await rosa.createKeys();
    await sam.createKeys();
    const signed = await rosa.sign({ digest: Buffer.alloc(32, 4) });
    await sam.sign({ digest: Buffer.alloc(32, 5) });

    const page = await rosa.ownEvents();
    const actions = page.events.map((e) => e.action);
    expect(actions[0]).toBe('signature.issued');
    expect(actions).toEqual(
      expect.arrayContaining([
        'user.registered',
        'auth.login_succeeded',
        'auth.password_changed',
        'key.created',
        'pki.certificate_issued',
        'signature.issued',
      ]),
    );
    const indexes = page.events.map((e) => e.logIndex);
    expect(indexes).toEqual([...indexes].sort((a, b) => b - a));
    expect(page.events[0].logIndex).toBe(signed.receipt!.logIndex);
    expect(page.events[0].leaf).toBe(signed.receipt!.leaf.toString('base64'));
    // Nothing of sam's: neither what he did nor what happened to his key.
    for (const e of page.events)
      expect(JSON.stringify([e.actor, e.subject, e.details])).not.toContain('sam');

    // Every event is a leaf of the log, proven with the public proofs and an independent verifier.
    await advance();
    const head = await checkpoint();
    for (const e of page.events) {
      const proof = (await (
        await fetch(`${server.url}/v1/log/proof/inclusion?index=${e.logIndex}&size=${head.size}`)
      ).json()) as { hashes: string[] };
      const leaf = Buffer.from(e.leaf, 'base64');
      expect(JSON.parse(leaf.toString('utf8'))).toMatchObject({
        seq: e.logIndex + 1,
        action: e.action,
        actor: e.actor,
      });
      const path = proof.hashes.map((h) => Buffer.from(h, 'base64'));
      expect(rfcVerifyInclusion(e.logIndex, head.size, rfcLeafHash(leaf), path, head.root)).toBe(
        true,
      );
    }
  });

  it('pages with before and limit, and answers bad paging with invalid_request', async () => {
    const tom = await activeClient('tom');
    await tom.createKeys();
    for (let i = 0; i < 3; i++) await tom.sign({ digest: Buffer.alloc(32, i) });
    const all: OwnEvent[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await tom.ownEvents({ limit: 2, before });
      expect(page.events.length).toBeLessThanOrEqual(2);
      all.push(...page.events);
      if (page.next === null) break;
      before = page.next;
    }
    const everything = await tom.ownEvents({ limit: 100 });
    expect(everything.next).toBeNull();
    expect(all.map((e) => e.logIndex)).toEqual(everything.events.map((e) => e.logIndex));
    expect(all.filter((e) => e.action === 'signature.issued')).toHaveLength(3);

    for (const bad of [{ limit: 0 }, { limit: 101 }, { before: 0 }, { before: 1.5 }]) {
      const err = await tom.ownEvents(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DssApiError);
      expect((err as DssApiError).code).toBe('invalid_request');
    }
  });

  it('lists them on the command line with dss log events', async () => {
    const temporary = await registerUser(server, 'uma');
    const uma = new Workstation(server, 'uma');
    try {
      const env = {
        DSS_SERVER_URL: server.url,
        DSS_SERVER_KEY: uma.path('dss_public.pem'),
        DSS_USER: 'uma',
        DSS_PASSWORD: GOOD,
      };
      const first = await uma.run(['login'], {
        env: { ...env, DSS_PASSWORD: temporary, DSS_NEW_PASSWORD: GOOD },
      });
      expect(first.code).toBe(0);
      expect((await uma.run(['keys', 'create'], { env })).code).toBe(0);
      const text = await uma.run(['log', 'events', '-n', '2'], { env });
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^#\d+ {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}\S+ {2}by uma/m);
      expect(text.stdout).toMatch(/^More: dss log events --before \d+$/m);
      const json = await uma.run(['log', 'events', '--json'], { env });
      expect(json.code).toBe(0);
      const page = json.json<{ events: OwnEvent[] }>();
      // Newest first: the key and its certificate, then the logins and the password change.
      expect(page.events[0]).toMatchObject({ action: 'key.created', actor: 'uma' });
      expect(page.events.map((e) => e.action)).toEqual(
        expect.arrayContaining([
          'pki.certificate_issued',
          'auth.login_succeeded',
          'auth.password_changed',
          'user.registered',
        ]),
      );
      const bad = await uma.run(['log', 'events', '--limit', '500'], { env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--limit must be a whole number from 1 to 100/);
    } finally {
      uma.remove();
    }
  });

  it('witnesses the log from the SDK and refuses a log that no longer extends the one it saw', async () => {
    const store = new MemoryWitnessStore();
    const vera = await activeClient('vera', store);
    await vera.createKeys();
    await advance();
    await vera.sign({ digest: Buffer.alloc(32, 7) });
    const held = store.load(server.url);
    expect(held?.verifierKey).toBe(server.app.get(TransparencyLogService).key.verifierKey);
    const seen = Number(held!.checkpoint.split('\n')[1]);
    expect(seen).toBeGreaterThan(0);

    // The log grows: the next check proves the new checkpoint extends the one held.
    await server.app.get(AccountsService).register('walt', ACTOR);
    await advance();
    const grown = await vera.checkLog();
    expect(grown.previousSize).toBe(seen);
    expect(grown.checkpoint.size).toBeGreaterThan(seen);

    // A server that once showed this client a longer history, signed with the log's own key,
    // now serves a shorter one: a rollback, and the signing call says so.
    const key = server.app.get(TransparencyLogService).key;
    const now = await checkpoint();
    const body = checkpointBody({
      origin: key.name,
      size: now.size + 5,
      rootHash: randomBytes(32),
    });
    store.save(server.url, {
      verifierKey: key.verifierKey,
      checkpoint: signNote(body, key.name, key.privateKey),
    });
    const refused = await vera.sign({ digest: Buffer.alloc(32, 8) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DssLogInconsistentError);
    expect((refused as DssLogInconsistentError).message).toMatch(/rolled back/);
  });
});
