import { Option } from 'commander';

/** `--json` of a command: machine-readable output instead of text. */
export interface JsonFlag {
  json?: boolean;
}

/** The `--json` option every command that prints a result offers. */
export function jsonOption(description = 'print machine-readable JSON'): Option {
  return new Option('--json', description);
}

/** One result on stdout: `json` with `--json`, else `text`. */
export function print(opts: JsonFlag, json: unknown, text: string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
}

/** Every item of an offset-paged list, read 500 at a time. */
export async function allPages<T>(
  list: (page: { offset: number; limit: number }) => Promise<{ items: T[]; total: number }>,
): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await list({ offset, limit: 500 });
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) break;
  }
  return items;
}
