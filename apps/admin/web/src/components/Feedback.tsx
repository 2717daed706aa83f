import { type ReactNode } from 'react';
import { describeError } from '../api/errors';

/** An API (or other) error in words, announced to screen readers. */
export function ErrorMessage({ error, children }: { error?: unknown; children?: ReactNode }) {
  if (error === undefined && children === undefined) return null;
  return (
    <div className="notice notice-error" role="alert">
      {children ?? describeError(error)}
    </div>
  );
}

/** A success or information message, announced politely. */
export function Notice({
  tone = 'info',
  children,
}: {
  tone?: 'info' | 'success' | 'warning';
  children: ReactNode;
}) {
  return (
    <div className={`notice notice-${tone}`} role="status">
      {children}
    </div>
  );
}

/** Shown while the first answer of a page is on its way. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}
