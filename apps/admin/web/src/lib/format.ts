/** Formatting for display. All times are shown in UTC, as in the audit trail and the logs. */
import { type KeyStatus, type UserStatus } from '../api/types';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2026-05-04 09:07 UTC`; '—' for null/empty; the input itself if it is not a date. */
export function formatDateTime(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}${
    seconds ? `:${pad(date.getUTCSeconds())}` : ''
  }`;
  return `${formatDay(date)} ${time} UTC`;
}

/** `2026-05-04` (UTC). */
export function formatDay(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/**
 * `05-04` from `2026-05-04`: the ISO day without its year, for chart labels where the full day
 * does not fit (the chart says which days it covers); the input if it is not a day.
 */
export function shortDay(day: string): string {
  const match = /^\d{4}-(\d{2})-(\d{2})$/.exec(day);
  return match ? `${match[1]}-${match[2]}` : day;
}

/**
 * A hex fingerprint in groups of four, `ab12 cd34 …`, so people can compare it by eye; anything
 * that is not hex is returned unchanged.
 */
export function formatFingerprint(hex: string): string {
  if (!/^[0-9a-fA-F]+$/.test(hex)) return hex;
  return (hex.toLowerCase().match(/.{1,4}/g) ?? []).join(' ');
}

/** The first groups of a fingerprint with an ellipsis, for narrow tables. */
export function shortFingerprint(hex: string, groups = 4): string {
  const full = formatFingerprint(hex).split(' ');
  return full.length <= groups ? full.join(' ') : `${full.slice(0, groups).join(' ')} …`;
}

const USER_STATUS_LABELS: Readonly<Record<UserStatus, string>> = {
  active: 'Active',
  must_change_password: 'Must change password',
  locked: 'Locked',
  disabled: 'Disabled',
};

export function userStatusLabel(status: UserStatus): string {
  return USER_STATUS_LABELS[status] ?? status;
}

const KEY_STATUS_LABELS: Readonly<Record<KeyStatus, string>> = {
  active: 'Active',
  retired: 'Retired',
  pending_deletion: 'Pending deletion',
  deleted: 'Deleted',
};

export function keyStatusLabel(status: KeyStatus): string {
  return KEY_STATUS_LABELS[status] ?? status;
}

/** `1,234` with a thin, locale-free thousands separator. */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `3 users`, `1 user`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

/** One detail value in words: scalars as they are, lists joined, objects as `k=v` pairs. */
function detailText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(detailText).join(', ');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${detailText(v)}`)
      .join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return '';
}

/** Audit details as `key: value` pairs for display (never raw JSON). */
export function detailPairs(details: unknown): [string, string][] {
  if (typeof details !== 'object' || details === null) return [];
  return Object.entries(details as Record<string, unknown>).map(([key, value]) => [
    key,
    detailText(value),
  ]);
}
