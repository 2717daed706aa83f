import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { type FileKek, kekIdOf } from './kek';
import { MasterKeyRing } from './master-key-ring';

describe('MasterKeyRing (DESIGN.md §4)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dss-ring-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const k1 = Buffer.alloc(32, 1);
  const k2 = Buffer.alloc(32, 2);
  const k3 = randomBytes(32);
  const load = (o: { masterKey?: string; masterKeyFile?: string }) =>
    MasterKeyRing.load({
      masterKey: o.masterKey,
      masterKeyFile: o.masterKeyFile,
      dataDir: join(dir, 'data'),
    });

  it('names a key by SHA-256("dss-kek-id" || key), 16 hex characters', () => {
    const expected = createHash('sha256')
      .update('dss-kek-id')
      .update(k1)
      .digest('hex')
      .slice(0, 16);
    expect(kekIdOf(k1)).toBe(expected);
    expect(() => kekIdOf(Buffer.alloc(31))).toThrow(TypeError);
  });

  it('creates <dataDir>/master.key (0600) with a fresh key when nothing is configured', () => {
    const ring = load({});
    expect(ring.created).toBe(true);
    expect(ring.source).toBe('file');
    expect(ring.path).toBe(join(dir, 'data', 'master.key'));
    expect(statSync(ring.path!).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    expect(ring.ids()).toEqual([ring.current().id]);
    const current = ring.current() as FileKek;
    expect(current.key).toHaveLength(32);
    expect(current.id).toBe(kekIdOf(current.key));

    const again = load({});
    expect(again.created).toBe(false);
    expect(again.current().id).toBe(ring.current().id);
  });

  it('parses a DSS_MASTER_KEY list of hex, base64 and base64url keys, the first current', () => {
    const b64url = k3.toString('base64url');
    const ring = load({ masterKey: ` ${k1.toString('hex')}, ${k2.toString('base64')} ,${b64url}` });
    expect(ring.source).toBe('env');
    expect(ring.created).toBe(false);
    expect(ring.path).toBeUndefined();
    expect(ring.ids()).toEqual([kekIdOf(k1), kekIdOf(k2), kekIdOf(k3)]);
    expect(ring.current().id).toBe(kekIdOf(k1));
    expect((ring.current() as FileKek).key).toEqual(k1);
    expect((ring.get(kekIdOf(k3)) as FileKek).key).toEqual(k3);
    expect(ring.get('0000000000000000')).toBeUndefined();
    expect(ring.reloadIfChanged()).toBe(false);
    expect(load({ masterKey: k2.toString('hex').toUpperCase() }).ids()).toEqual([kekIdOf(k2)]);
  });

  it('rejects a bad DSS_MASTER_KEY entry without echoing it', () => {
    const bad = 'ab'.repeat(31);
    expect(() => load({ masterKey: `${k1.toString('hex')},${bad}` })).toThrow(
      'DSS_MASTER_KEY: entry 2 of 2 is not 32 bytes as 64 hex characters or base64',
    );
    expect(() => load({ masterKey: bad })).toThrow('DSS_MASTER_KEY: the value is not');
    expect(() => load({ masterKey: `${k1.toString('hex')},` })).toThrow('entry 2 of 2');
    try {
      load({ masterKey: bad });
    } catch (err) {
      expect(String(err)).not.toContain(bad);
    }
  });

  it('reads DSS_MASTER_KEY_FILE: one key per line, comments and blank lines ignored', () => {
    const path = join(dir, 'ring.key');
    writeFileSync(
      path,
      `# comment\n\n  ${k2.toString('hex')}  \r\n# retired:\n${k1.toString('base64')}\n`,
      { mode: 0o600 },
    );
    const ring = load({ masterKeyFile: path });
    expect(ring.source).toBe('file');
    expect(ring.created).toBe(false);
    expect(ring.ids()).toEqual([kekIdOf(k2), kekIdOf(k1)]);
  });

  it('fails with one line when an explicit file is missing, empty or malformed', () => {
    const path = join(dir, 'missing.key');
    expect(() => load({ masterKeyFile: path })).toThrow(
      `DSS_MASTER_KEY_FILE: file ${path} does not exist`,
    );
    writeFileSync(path, '# nothing here\n');
    expect(() => load({ masterKeyFile: path })).toThrow(`master key file ${path}: contains no key`);
    const secretLooking = 'cd'.repeat(33);
    writeFileSync(path, `${k1.toString('hex')}\n${secretLooking}\n`);
    let message = '';
    try {
      load({ masterKeyFile: path });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      `master key file ${path}: line 2 is not 32 bytes as 64 hex characters or base64`,
    );
  });

  it('never shows key bytes in inspect or JSON', () => {
    const ring = load({ masterKey: `${k3.toString('hex')},${k2.toString('hex')}` });
    for (const text of [inspect(ring, { showHidden: true }), JSON.stringify(ring), String(ring)]) {
      expect(text).not.toContain(k3.toString('hex'));
      expect(text).not.toContain(k3.toString('base64'));
    }
    expect(inspect(ring)).toContain(kekIdOf(k3));
  });

  it('rotateFile puts a new key first and keeps every old key; reloadIfChanged picks it up', () => {
    const ring = load({});
    const original = ring.current().id;
    expect(ring.reloadIfChanged()).toBe(false);

    const first = MasterKeyRing.rotateFile(ring.path!);
    expect(first.retiredIds).toEqual([original]);
    expect(first.newId).not.toBe(original);
    expect(statSync(ring.path!).mode & 0o777).toBe(0o600);
    expect(ring.reloadIfChanged()).toBe(true);
    expect(ring.current().id).toBe(first.newId);
    expect(ring.ids()).toEqual([first.newId, original]);
    expect(ring.reloadIfChanged()).toBe(false);

    const second = MasterKeyRing.rotateFile(ring.path!);
    expect(second.retiredIds).toEqual([first.newId, original]);
    expect(ring.reloadIfChanged()).toBe(true);
    expect(ring.ids()).toEqual([second.newId, first.newId, original]);
    expect(load({}).ids()).toEqual(ring.ids());
    const text = readFileSync(ring.path!, 'utf8');
    expect(text.match(/^# DSS master key ring/gm)).toHaveLength(1); // header not repeated
  });

  it('rotateFile keeps comments, follows a symlink, refuses a concurrent rotation and a missing file', () => {
    const real = join(dir, 'real.key');
    writeFileSync(real, `# operator note\n${k1.toString('hex')}\n`, { mode: 0o600 });
    const link = join(dir, 'link.key');
    symlinkSync(real, link);
    const { newId, retiredIds } = MasterKeyRing.rotateFile(link);
    expect(retiredIds).toEqual([kekIdOf(k1)]);
    expect(readFileSync(real, 'utf8')).toContain('# operator note');
    expect(load({ masterKeyFile: link }).ids()).toEqual([newId, kekIdOf(k1)]);

    writeFileSync(`${real}.lock`, '');
    expect(() => MasterKeyRing.rotateFile(real)).toThrow('is being rotated by another process');
    expect(load({ masterKeyFile: real }).ids()).toEqual([newId, kekIdOf(k1)]);
    expect(() => MasterKeyRing.rotateFile(join(dir, 'nope.key'))).toThrow('does not exist');
  });

  it('reloadIfChanged keeps the ring when the file turns invalid, and retries later', () => {
    const path = join(dir, 'ring.key');
    writeFileSync(path, `${k1.toString('hex')}\n`);
    const ring = load({ masterKeyFile: path });
    writeFileSync(path, 'garbage that is long enough to change the size\n');
    expect(() => ring.reloadIfChanged()).toThrow(`master key file ${path}: line 1 is not`);
    expect(ring.ids()).toEqual([kekIdOf(k1)]);
    writeFileSync(path, `${k2.toString('hex')}\n${k1.toString('hex')}\n`);
    expect(ring.reloadIfChanged()).toBe(true);
    expect(ring.ids()).toEqual([kekIdOf(k2), kekIdOf(k1)]);
  });

  it('derives subkeys with HKDF-SHA-256 (RFC 5869) from the current key, one per label', () => {
    const ring = load({ masterKey: `${k1.toString('hex')},${k2.toString('hex')}` });
    const info = Buffer.from('dss-subkey\0DSS test v1', 'ascii');
    const expected = Buffer.from(hkdfSync('sha256', k1, Buffer.alloc(0), info, 32));
    expect(ring.deriveSubkey('DSS test v1').equals(expected)).toBe(true);
    expect(ring.deriveSubkey('DSS other v1').equals(expected)).toBe(false);
    expect(ring.deriveSubkey('DSS test v1').equals(k1)).toBe(false);
    expect(() => ring.deriveSubkey('')).toThrow(TypeError);
  });
});
