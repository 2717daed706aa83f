/**
 * Filter state of the list pages, kept in the page URL (`?status=locked&search=al`) so a view can
 * be bookmarked, shared, and restored with the browser's Back button.
 */
import {
  type AuditQuery,
  KEY_STATUSES,
  type KeyDeletionQuery,
  type KeyQuery,
  type KeyStatus,
  USER_STATUSES,
  type UserQuery,
  type UserStatus,
} from '../api/types';
import { isAuditAction } from './audit-actions';

/** Rows per page of the offset-paged tables. */
export const PAGE_SIZE = 25;

export type Filters<K extends string> = Record<K, string>;

/** Reads the named parameters from a query string; absent ones are ''. */
export function readFilters<K extends string>(search: string, keys: readonly K[]): Filters<K> {
  const params = new URLSearchParams(search);
  const out = {} as Filters<K>;
  for (const key of keys) out[key] = params.get(key)?.trim() ?? '';
  return out;
}

/** The query string (with `?`, or '') of the non-empty filters, in key order. */
export function writeFilters<K extends string>(filters: Partial<Filters<K>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters) as [K, string | undefined][]) {
    if (value !== undefined && value.trim() !== '') params.set(key, value.trim());
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A non-negative integer from a query parameter, else the fallback. */
export function parseOffset(text: string, fallback = 0): number {
  return /^\d{1,9}$/.test(text) ? Number(text) : fallback;
}

const isUserStatus = (s: string): s is UserStatus => (USER_STATUSES as string[]).includes(s);
const isKeyStatus = (s: string): s is KeyStatus => (KEY_STATUSES as string[]).includes(s);

export const USER_FILTER_KEYS = ['search', 'status', 'offset'] as const;
export type UserFilters = Filters<(typeof USER_FILTER_KEYS)[number]>;

export function userQuery(filters: UserFilters): UserQuery {
  return {
    search: filters.search || undefined,
    status: isUserStatus(filters.status) ? filters.status : undefined,
    offset: parseOffset(filters.offset),
    limit: PAGE_SIZE,
  };
}

export const KEY_FILTER_KEYS = ['status', 'username', 'offset'] as const;
export type KeyFilters = Filters<(typeof KEY_FILTER_KEYS)[number]>;

export function keyQuery(filters: KeyFilters): KeyQuery {
  return {
    status: isKeyStatus(filters.status) ? filters.status : undefined,
    username: filters.username || undefined,
    offset: parseOffset(filters.offset),
    limit: PAGE_SIZE,
  };
}

export const AUDIT_FILTER_KEYS = [
  'action',
  'user',
  'operator',
  'subject',
  'from',
  'to',
  'ownReads',
] as const;
export type AuditFilters = Filters<(typeof AUDIT_FILTER_KEYS)[number]>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Start of a UTC day (`YYYY-MM-DD`) as ISO 8601, or undefined if it is not a valid day. */
export function startOfDay(day: string): string | undefined {
  if (!DAY.test(day)) return undefined;
  const time = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(time)) return undefined;
  const iso = new Date(time).toISOString();
  // Date.parse rolls 2026-02-30 over to 2 March; such a day does not exist.
  return iso.startsWith(day) ? iso : undefined;
}

/** Last millisecond of a UTC day: the API's `to` is inclusive, so "to 4 May" takes all of it. */
export function endOfDay(day: string): string | undefined {
  const start = startOfDay(day);
  return start === undefined ? undefined : new Date(Date.parse(start) + 86_399_999).toISOString();
}

/** What is wrong with audit filters, in words; undefined when they can be sent. */
export function auditFilterProblem(
  filters: Pick<AuditFilters, 'user' | 'operator' | 'from' | 'to'>,
): string | undefined {
  if (filters.user && filters.operator)
    return 'Fill in either User or Operator: an event has a single actor.';
  if (filters.from && startOfDay(filters.from) === undefined)
    return `The start date "${filters.from}" is not a day: write it as YYYY-MM-DD, e.g. 2026-05-04.`;
  if (filters.to && startOfDay(filters.to) === undefined)
    return `The end date "${filters.to}" is not a day: write it as YYYY-MM-DD, e.g. 2026-05-04.`;
  const start = startOfDay(filters.from);
  const end = startOfDay(filters.to);
  if (start !== undefined && end !== undefined && end < start)
    return 'The end date is before the start date.';
  return undefined;
}

/** Events per page of the audit log. */
export const EVENTS_PAGE_SIZE = 50;

/**
 * The audit query of the filters, newest first: "user" and "operator" are who did it (the actor,
 * of that type), "subject" what it was done to; the days become an inclusive UTC range.
 */
export function auditQuery(filters: AuditFilters, after?: number): AuditQuery {
  const actor = filters.user || filters.operator || undefined;
  return {
    action: isAuditAction(filters.action) ? filters.action : undefined,
    actor,
    actorType: filters.user ? 'user' : filters.operator ? 'operator' : undefined,
    subject: filters.subject || undefined,
    from: startOfDay(filters.from),
    to: endOfDay(filters.to),
    after,
    limit: EVENTS_PAGE_SIZE,
    order: 'desc',
    includeOwnReads: filters.ownReads ? true : undefined,
  };
}

export const DELETION_FILTER_KEYS = ['username', 'from', 'to', 'offset'] as const;
export type DeletionFilters = Filters<(typeof DELETION_FILTER_KEYS)[number]>;

export function deletionQuery(filters: DeletionFilters): KeyDeletionQuery {
  return {
    username: filters.username || undefined,
    from: startOfDay(filters.from),
    to: endOfDay(filters.to),
    offset: parseOffset(filters.offset),
    limit: PAGE_SIZE,
  };
}
