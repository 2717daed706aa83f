/**
 * The documentation is part of the feature: the README's configuration table names every
 * variable the code reads, and the project's copy of the protocol is the normative one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/spawn';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'web') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('documentation (e2e)', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it('lists every DSS_ variable read by the configuration in the README table', () => {
    const code = sources(join(REPO_ROOT, 'libs', 'config', 'src')).map((f) =>
      readFileSync(f, 'utf8'),
    );
    const variables = new Set(
      code.flatMap((text) =>
        [...text.matchAll(/(?<!Symbol\()'(DSS_[A-Z0-9_]+)'/g)].map((m) => m[1]),
      ),
    );
    expect(variables.size).toBeGreaterThan(20);
    const documented = new Set(
      [...readme.matchAll(/^\| `(DSS_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]),
    );
    expect([...variables].filter((v) => !documented.has(v)).sort()).toEqual([]);
    expect([...documented].filter((v) => !variables.has(v)).sort()).toEqual([]);
  });

  it('keeps docs/PROTOCOL.md identical to the normative specification when it is beside the checkout', () => {
    const shared = join(REPO_ROOT, '..', 'shared', 'PROTOCOL.md');
    const ours = readFileSync(join(REPO_ROOT, 'docs', 'PROTOCOL.md'), 'utf8');
    expect(ours).toContain('DSS Secure Channel, version 1 (DSS-SC1)');
    if (existsSync(shared)) expect(ours).toBe(readFileSync(shared, 'utf8'));
  });

  it('links only to files that exist', () => {
    for (const doc of [
      'README.md',
      ...readdirSync(join(REPO_ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ]) {
      const text = readFileSync(join(REPO_ROOT, doc), 'utf8');
      const base = join(REPO_ROOT, doc, '..');
      for (const [, target] of text.matchAll(/\]\(((?!https?:|#|mailto:)[^)\s#]+)(?:#[^)]*)?\)/g)) {
        expect([doc, target, existsSync(join(base, target))]).toEqual([doc, target, true]);
      }
    }
  });
});
