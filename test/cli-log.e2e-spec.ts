/**
 * The `dss` CLI and the verifiable log (docs/AUDIT-LOG.md §4, §7): signing receipts written by
 * `dss sign` and checked by `dss verify --receipt` (offline once complete); `dss log check` as a
 * witness that refuses a server whose log was rolled back or forked, with exit 8.
 */
import { AccountsService } from '@dss/accounts';
import { TransparencyLogService } from '@dss/audit';
import { readFileSync, writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { registerUser, Workstation } from './support/cli';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startDss, type RunningDss } from './support/dss-server';

const PASSWORD = 'gina-picks-a-long-passphrase-8';
const ACTOR = { type: 'operator' as const, name: 'test' };

describe('dss CLI and the verifiable log (e2e)', () => {
  let db: TestDatabase;
  let server: RunningDss;
  let port: number;
  let gina: Workstation;
  let env: Record<string, string>;
  const advance = () => server.app.get(TransparencyLogService).advance();

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startDss({ database: db });
    port = Number(new URL(server.url).port);
    gina = new Workstation(server, 'gina');
    const temporary = await registerUser(server, 'gina');
    env = {
      DSS_SERVER_URL: server.url,
      DSS_SERVER_KEY: gina.path('dss_public.pem'),
      DSS_USER: 'gina',
      DSS_PASSWORD: PASSWORD,
    };
    const first = await gina.run(['login'], {
      env: { ...env, DSS_PASSWORD: temporary, DSS_NEW_PASSWORD: PASSWORD },
    });
    expect(first.code).toBe(0);
    expect((await gina.run(['keys', 'create'], { env })).code).toBe(0);
    expect((await gina.run(['keys', 'show', '--out', 'gina.pem'], { env })).code).toBe(0);
  });

  afterAll(async () => {
    gina?.remove();
    await server?.close();
    await db?.drop();
  });

  it('writes a receipt with every signature and checks it, then offline', async () => {
    writeFileSync(gina.path('report.txt'), 'the quarterly report\n');
    const signed = await gina.run(['sign', 'report.txt', '--json'], { env });
    expect(signed.code).toBe(0);
    const out = signed.json<{ receiptFile: string; logIndex: number }>();
    expect(out.receiptFile).toBe('report.txt.sig.receipt.json');
    const receipt = JSON.parse(readFileSync(gina.path(out.receiptFile), 'utf8')) as {
      logIndex: number;
      leaf: string;
      checkpoint?: string;
    };
    expect(receipt.logIndex).toBe(out.logIndex);
    await advance();

    const online = await gina.run(
      ['verify', 'report.txt', 'report.txt.sig', '--user', 'gina', '--receipt'],
      { env },
    );
    expect(online.stderr).toBe('');
    expect(online.code).toBe(0);
    expect(online.stdout).toMatch(/In the audit log: entry \d+ of the signed checkpoint of \d+/);
    const completed = JSON.parse(readFileSync(gina.path(out.receiptFile), 'utf8')) as {
      checkpoint: string;
      inclusionProof: string[];
    };
    expect(completed.checkpoint).toMatch(/\/dss-audit\n\d+\n/);

    // Offline: no server configured at all.
    const offline = await gina.run(
      ['verify', 'report.txt', 'report.txt.sig', '--key', 'gina.pem', '--receipt'],
      { env: { DSS_SERVER_URL: undefined } },
    );
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/In the audit log/);

    // A receipt for another document, or with a doctored proof, is refused.
    writeFileSync(gina.path('other.txt'), 'another document\n');
    expect((await gina.run(['sign', 'other.txt'], { env })).code).toBe(0);
    const other = await gina.run(
      [
        'verify',
        'report.txt',
        'report.txt.sig',
        '--key',
        'gina.pem',
        '--receipt',
        'other.txt.sig.receipt.json',
      ],
      { env },
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/another document/);
    const doctored = {
      ...completed,
      inclusionProof: completed.inclusionProof.map(() => Buffer.alloc(32).toString('base64')),
    };
    writeFileSync(gina.path('doctored.json'), JSON.stringify({ ...receipt, ...doctored }));
    const bad = await gina.run(
      ['verify', 'report.txt', 'report.txt.sig', '--key', 'gina.pem', '--receipt', 'doctored.json'],
      { env: { DSS_SERVER_URL: undefined } },
    );
    expect(bad.code).toBe(1);
  });

  it('witnesses the log, then refuses it rolled back or forked with exit 8, showing both checkpoints', async () => {
    await advance();
    const first = await gina.run(['log', 'check', '--json'], { env });
    expect(first.code).toBe(0);
    const before = first.json<{ size: number; previousSize: number | null }>();

    // Remember the database as it is, then let the log grow and the witness see it.
    const ds = server.app.get(DataSource);
    const state = (
      await ds.query<{ size: number | string; compact: string; root: string }[]>(
        'SELECT size, compact, root FROM audit_log_state WHERE id = 1',
      )
    )[0];
    const head = (
      await ds.query<{ seq: number | string; hash: string }[]>(
        'SELECT seq, hash FROM audit_chain_head WHERE id = 1',
      )
    )[0];
    const kept = Number(state.size);
    expect(Number(head.seq)).toBe(kept);
    for (const name of ['hank', 'ivy', 'jack'])
      await server.app.get(AccountsService).register(name, ACTOR);
    await advance();
    const grown = await gina.run(['log', 'check'], { env });
    expect(grown.code).toBe(0);
    expect(grown.stdout).toMatch(
      new RegExp(`Consistent with the checkpoint of ${before.size} entries`),
    );

    // Roll the database back to `kept` entries, as an administrator restoring a backup would.
    await server.close();
    server = await startDss({ database: db, port });
    const ds2 = server.app.get(DataSource);
    await ds2.query('DELETE FROM audit_events WHERE seq > ?', [kept]);
    await ds2.query('DELETE FROM audit_log_checkpoints WHERE size > ?', [kept]);
    const nodes = await ds2.query<{ level: number | string; idx: number | string }[]>(
      'SELECT level, idx FROM audit_log_nodes',
    );
    for (const n of nodes)
      if ((Number(n.idx) + 1) * 2 ** Number(n.level) > kept)
        await ds2.query('DELETE FROM audit_log_nodes WHERE level = ? AND idx = ?', [
          n.level,
          n.idx,
        ]);
    await ds2.query('UPDATE audit_log_state SET size = ?, compact = ?, root = ? WHERE id = 1', [
      kept,
      state.compact,
      state.root,
    ]);
    await ds2.query('UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1', [
      kept,
      head.hash,
    ]);

    const rolledBack = await gina.run(['log', 'check'], { env });
    expect(rolledBack.code).toBe(8);
    expect(rolledBack.stdout).toBe('');
    expect(rolledBack.stderr).toMatch(
      /^dss: REFUSED: the audit log of the server at .* was rolled back/,
    );
    expect(rolledBack.stderr).toContain('checkpoint verified before:');
    expect(rolledBack.stderr).toContain('checkpoint served now:');
    expect(rolledBack.stderr).not.toMatch(/\n\s+at /);

    // A different history grown past the one seen: a fork.
    for (const name of ['kim', 'lou', 'max', 'ned', 'oli'])
      await server.app.get(AccountsService).register(name, ACTOR);
    await advance();
    const forked = await gina.run(['log', 'check', '--json'], { env });
    expect(forked.code).toBe(8);
    expect(forked.json<{ error: { code: string; kind: string } }>().error).toMatchObject({
      code: 'log_inconsistent',
      kind: 'fork',
    });
  });
});
