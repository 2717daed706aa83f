/**
 * No Docker engine runs in CI, so check what can be checked without one: the compose file parses,
 * names only files that exist, and the image runs the same entry point as `npm start`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/spawn';

interface Compose {
  services: Record<
    string,
    {
      build?: { context: string; dockerfile: string };
      image?: string;
      environment?: Record<string, string>;
      volumes?: string[];
      ports?: string[];
      command?: string[];
      depends_on?: Record<string, { condition: string }>;
    }
  >;
  volumes?: Record<string, unknown>;
}

describe('docker/ (e2e)', () => {
  const dockerDir = join(REPO_ROOT, 'docker');
  const compose = parse(readFileSync(join(dockerDir, 'compose.yaml'), 'utf8'), {
    merge: true,
  }) as Compose;

  const dssServices = ['dss1', 'dss2', 'admin'];

  it('has MySQL 8.4, Redis, two DSS replicas and the admin app built from the Dockerfile', () => {
    expect(compose.services.mysql.image).toMatch(/^mysql:8\.4/);
    expect(compose.services.redis.image).toMatch(/^redis:7/);
    for (const name of dssServices) {
      const build = compose.services[name].build!;
      const context = resolve(dockerDir, build.context);
      expect(context).toBe(REPO_ROOT);
      expect(existsSync(join(context, build.dockerfile))).toBe(true);
      expect(compose.services[name].environment!.DSS_REDIS_URL).toBe('redis://redis:6379');
    }
    expect(compose.services.dss1.command).toEqual(['node', 'dist/apps/dss/src/main.js']);
    expect(compose.services.dss2.command).toEqual(['node', 'dist/apps/dss/src/main.js']);
    expect(compose.services.admin.command).toEqual(['node', 'dist/apps/admin/src/main.js']);
    for (const entry of [
      ...compose.services.dss1.command!.slice(1),
      ...compose.services.admin.command!.slice(1),
    ])
      expect(existsSync(join(REPO_ROOT, 'apps', entry.split('/')[2], 'src', 'main.ts'))).toBe(true);
    // One instance creates the shared keys and the schema; the others wait until it is healthy.
    expect(compose.services.dss2.depends_on).toEqual({ dss1: { condition: 'service_healthy' } });
    expect(compose.services.admin.depends_on).toEqual({ dss1: { condition: 'service_healthy' } });
  });

  it('puts HAProxy in round-robin over both replicas, with a configuration HAProxy accepts', () => {
    const haproxy = compose.services.haproxy;
    expect(haproxy.image).toMatch(/^haproxy:/);
    const [source, target] = haproxy.volumes![0].split(':');
    expect(target).toBe('/usr/local/etc/haproxy/haproxy.cfg');
    const config = readFileSync(resolve(dockerDir, source), 'utf8');
    expect(config).toMatch(/^\s*balance roundrobin$/m);
    expect([...config.matchAll(/^\s*server (\S+) (\S+)/gm)].map((m) => [m[1], m[2]])).toEqual([
      ['dss1', 'dss1:3000'],
      ['dss2', 'dss2:3000'],
    ]);
    expect(haproxy.ports).toEqual(['3000:3000']);
    // The replicas themselves publish nothing: every client goes through HAProxy.
    expect(compose.services.dss1.ports).toBeUndefined();
    expect(compose.services.dss2.ports).toBeUndefined();
    // `haproxy -c` parses the file (the replica names resolved to this host).
    const dir = mkdtempSync(join(tmpdir(), 'dss-haproxy-check-'));
    try {
      const file = join(dir, 'haproxy.cfg');
      writeFileSync(file, config.replace(/dss[12]:3000/g, '127.0.0.1:3000'));
      const check = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
      expect([check.status, check.stdout + check.stderr]).toEqual([0, expect.any(String)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('URL-encodes any database password into DSS_DATABASE_URL (docker/dss-env.sh)', () => {
    for (const name of dssServices) {
      const env = compose.services[name].environment!;
      expect(env.DSS_DATABASE_URL).toBeUndefined();
      expect(env.DSS_DB_PASSWORD).toBe('${DSS_DB_PASSWORD:?set DSS_DB_PASSWORD}');
    }
    const password = "p@ss:w/rd#?%&= é'x";
    const url = execFileSync(
      'sh',
      [
        join(dockerDir, 'dss-env.sh'),
        process.execPath,
        '-e',
        'process.stdout.write(process.env.DSS_DATABASE_URL)',
      ],
      {
        env: {
          PATH: `${join(process.execPath, '..')}:${process.env.PATH}`,
          DSS_DB_PASSWORD: password,
          DSS_DB_HOST: 'mysql',
        },
        encoding: 'utf8',
      },
    );
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe(password);
    expect(decodeURIComponent(parsed.username)).toBe('dss');
    expect(`${parsed.hostname}:${parsed.port}${parsed.pathname}`).toBe('mysql:3306/dss');
  });

  it('offers dss-admin inside the image, with the service environment', () => {
    const dockerfile = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^COPY bin \.\/bin$/m);
    expect(dockerfile).toMatch(/^COPY docker\/dss-admin\.sh \/usr\/local\/bin\/dss-admin$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/dss-env"\]$/m);
    const wrapper = readFileSync(join(dockerDir, 'dss-admin.sh'), 'utf8');
    expect(wrapper).toContain('exec /usr/local/bin/dss-env node /app/bin/dss-admin.js "$@"');
    expect(existsSync(join(REPO_ROOT, 'bin', 'dss-admin.js'))).toBe(true);
    // The build context keeps what the image copies.
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const kept of ['bin', 'docker', 'docker/dss-env.sh', 'docker/dss-admin.sh'])
      expect(ignored).not.toContain(kept);
  });

  it('keeps the data directory and the database on named volumes', () => {
    const named = Object.keys(compose.volumes ?? {});
    for (const service of ['mysql', ...dssServices]) {
      for (const v of compose.services[service].volumes ?? [])
        expect(named).toContain(v.split(':')[0]);
    }
    // One data volume for every DSS container: the same key files, master key and pepper.
    for (const name of dssServices)
      expect(compose.services[name].volumes).toContain(
        `dss-data:${compose.services[name].environment!.DSS_DATA_DIR}`,
      );
  });

  it('copies only files that exist and runs what `npm start` runs', () => {
    const dockerfile = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].map((m) =>
      m[1].trim().split(/\s+/).slice(0, -1),
    );
    expect(copies.length).toBeGreaterThan(0);
    for (const sources of copies)
      for (const src of sources)
        expect([src, existsSync(join(REPO_ROOT, src))]).toEqual([src, true]);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const cmd = /^CMD \[(.*)\]$/m.exec(dockerfile)![1];
    expect((JSON.parse(`[${cmd}]`) as string[]).join(' ')).toBe(pkg.scripts.start);
  });

  it('publishes the admin app on the host loopback only, listening on all interfaces inside', () => {
    const dss = compose.services.admin;
    expect(dss.environment!.DSS_ADMIN_HOST).toBe('0.0.0.0');
    const admin = (dss.ports ?? []).filter((p) => p.endsWith(':3001'));
    expect(admin).toEqual(['127.0.0.1:3001:3001']);
    const dockerfile = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^EXPOSE .*\b3001\b/m);
    expect(dockerfile).not.toMatch(/DSS_ADMIN_HOST=0\.0\.0\.0/);
  });
});
