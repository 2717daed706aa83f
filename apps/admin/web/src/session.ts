/**
 * What the dashboard remembers of the signed-in operator: name, role, and whether a password
 * change is due. These are display hints, not credentials — the session itself is the HttpOnly
 * cookie, which scripts cannot read, and the server checks it (and the role) on every call.
 * Kept in sessionStorage so a reload keeps the page; gone when the tab closes.
 */
import { type Role } from './api/types';

export interface SessionInfo {
  username: string;
  role: Role;
  mustChangePassword: boolean;
}

const KEY = 'dss-admin-session';

export function loadSession(): SessionInfo | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<SessionInfo>;
    if (
      typeof value.username === 'string' &&
      (value.role === 'admin' || value.role === 'auditor') &&
      typeof value.mustChangePassword === 'boolean'
    )
      return {
        username: value.username,
        role: value.role,
        mustChangePassword: value.mustChangePassword,
      };
  } catch {
    // Storage disabled or a damaged value: treat as signed out.
  }
  return null;
}

export function saveSession(session: SessionInfo | null): void {
  try {
    if (session) window.sessionStorage.setItem(KEY, JSON.stringify(session));
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the session still works until the page is reloaded.
  }
}
