/**
 * No Docker engine runs in CI, so check what can be checked without one: the compose file parses,
 * names only files that exist, and the image runs the same entry point as `npm start`.
 */
import { existsSync, readFileSync } from 'node:fs';
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
    }
  >;
  volumes?: Record<string, unknown>;
}

describe('docker/ (e2e)', () => {
  const dockerDir = join(REPO_ROOT, 'docker');
  const compose = parse(readFileSync(join(dockerDir, 'compose.yaml'), 'utf8')) as Compose;

  it('has a MySQL 8 service and the DSS service built from the Dockerfile that exists', () => {
    expect(compose.services.mysql.image).toMatch(/^mysql:8/);
    const build = compose.services.dss.build!;
    const context = resolve(dockerDir, build.context);
    expect(context).toBe(REPO_ROOT);
    expect(existsSync(join(context, build.dockerfile))).toBe(true);
  });

  it('keeps the data directory and the database on named volumes', () => {
    const named = Object.keys(compose.volumes ?? {});
    for (const service of ['mysql', 'dss']) {
      for (const v of compose.services[service].volumes ?? [])
        expect(named).toContain(v.split(':')[0]);
    }
    expect(compose.services.dss.volumes).toContain(
      `dss-data:${compose.services.dss.environment!.DSS_DATA_DIR}`,
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
    const dss = compose.services.dss;
    expect(dss.environment!.DSS_ADMIN_HOST).toBe('0.0.0.0');
    const admin = (dss.ports ?? []).filter((p) => p.endsWith(':3001'));
    expect(admin).toEqual(['127.0.0.1:3001:3001']);
    const dockerfile = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^EXPOSE .*\b3001\b/m);
    expect(dockerfile).not.toMatch(/DSS_ADMIN_HOST=0\.0\.0\.0/);
  });
});
