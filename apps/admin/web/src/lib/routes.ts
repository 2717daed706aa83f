/** The dashboard's pages and their paths (served by the admin app's SPA fallback). */
import { type Role } from '../api/types';

export type PageId =
  | 'overview'
  | 'users'
  | 'keys'
  | 'audit'
  | 'key-deletions'
  | 'integrity'
  | 'operators'
  | 'user'
  | 'sign-in'
  | 'change-password'
  | 'not-found';

export interface NavItem {
  id: PageId;
  path: string;
  label: string;
}

/** The navigation, in order. Every page is readable by both roles. */
export const NAV: readonly NavItem[] = [
  { id: 'overview', path: '/', label: 'Overview' },
  { id: 'users', path: '/users', label: 'Users' },
  { id: 'keys', path: '/keys', label: 'Keys' },
  { id: 'audit', path: '/audit', label: 'Audit log' },
  { id: 'key-deletions', path: '/audit/key-deletions', label: 'Key deletions' },
  { id: 'integrity', path: '/audit/integrity', label: 'Integrity' },
  { id: 'operators', path: '/operators', label: 'Operators' },
];

/** `/users/<name>`: one user's page. Names are `a-z 0-9 . _ -` (encoded anyway). */
const USER_PATH = /^\/users\/([^/]+)$/;

/** The path of a user's page. */
export function userPath(username: string): string {
  return `/users/${encodeURIComponent(username)}`;
}

/** The username of a user's page path, else undefined. */
export function userOfPath(pathname: string): string | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const match = USER_PATH.exec(path);
  if (!match) return undefined;
  try {
    const name = decodeURIComponent(match[1]);
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}

const PATHS: Readonly<Record<string, PageId>> = {
  ...Object.fromEntries(NAV.map((item) => [item.path, item.id])),
  '/sign-in': 'sign-in',
  '/change-password': 'change-password',
};

/** The page of a path (a trailing slash is ignored). */
export function pageOf(pathname: string): PageId {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return PATHS[path] ?? (userOfPath(path) !== undefined ? 'user' : 'not-found');
}

export function titleOf(page: PageId): string {
  const item = NAV.find((n) => n.id === page);
  if (item) return item.label;
  switch (page) {
    case 'user':
      return 'User';
    case 'sign-in':
      return 'Sign in';
    case 'change-password':
      return 'Change password';
    default:
      return 'Page not found';
  }
}

/** Whether the role may change anything (register, reset, disable, …). The server enforces it. */
export function canWrite(role: Role | undefined): boolean {
  return role === 'admin';
}

/**
 * Where to go after signing in: back to the page the operator came from, unless that was the
 * sign-in or password page or not a local path (no open redirect).
 */
export function returnPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  const page = pageOf(next.split(/[?#]/)[0] ?? '/');
  return page === 'sign-in' || page === 'change-password' || page === 'not-found' ? '/' : next;
}
