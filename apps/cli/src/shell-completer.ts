import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type CompleterResult } from 'node:readline';

/** File names in the directory of `partial` that begin like its last part (directories with `/`). */
export function completeFileName(partial: string, cwd = process.cwd()): string[] {
  const slash = partial.lastIndexOf('/');
  const dirPart = slash === -1 ? '' : partial.slice(0, slash + 1);
  const base = slash === -1 ? partial : partial.slice(slash + 1);
  const expanded = dirPart.startsWith('~/') ? join(homedir(), dirPart.slice(2)) : dirPart;
  const dir = expanded === '' ? cwd : expanded.startsWith('/') ? expanded : join(cwd, expanded);
  let entries;
  try {
    entries = readdirSync(dir === '' ? '.' : dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.name.startsWith(base) && (base.startsWith('.') || !e.name.startsWith('.')))
    .map((e) => dirPart + e.name + (e.isDirectory() ? '/' : ''))
    .sort();
}

/**
 * Tab completion in `dss shell`: the first word completes to a command, later words to file
 * names (what `sign`, `verify` and `--out` take).
 */
export function shellCompleter(
  commands: readonly string[],
  cwd?: () => string,
): (line: string) => CompleterResult {
  return (line) => {
    const words = line.split(/\s+/);
    const last = words[words.length - 1] ?? '';
    if (words.length <= 1) {
      const hits = commands.filter((c) => c.startsWith(last));
      return [hits, last];
    }
    if (last.startsWith('-')) return [[], last];
    return [completeFileName(last, cwd?.()), last];
  };
}
