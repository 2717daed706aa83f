import { useState } from 'react';
import { type TemporaryPassword as Issued } from '../api/types';
import { formatDateTime } from '../lib/format';

/**
 * A freshly issued temporary password, shown once: the server keeps only its hash, so once this
 * panel is dismissed (or the page left) nobody can see it again.
 */
export function TemporaryPassword({
  issued,
  onDismiss,
}: {
  issued: Issued;
  onDismiss: () => void;
}) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  const copyPassword = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(issued.temporaryPassword);
      setCopy('copied');
    } catch {
      // Clipboard refused (plain http on a remote host, or permissions): select it for Ctrl+C.
      const text = document.getElementById('temporary-password');
      if (text) window.getSelection()?.selectAllChildren(text);
      setCopy('failed');
    }
  };

  return (
    <section className="secret-panel" aria-labelledby="temporary-password-title">
      <h2 id="temporary-password-title">Temporary password for {issued.username}</h2>
      <p className="secret-warning">
        <strong>This password is shown only once.</strong> Copy it now and give it to{' '}
        {issued.username} over a trusted channel; it will not be shown again. It expires on{' '}
        {formatDateTime(issued.temporaryPasswordExpiresAt)}, and {issued.username} must choose a new
        password at first sign-in.
      </p>
      <div className="secret-row">
        <code id="temporary-password" className="secret" aria-label="Temporary password">
          {issued.temporaryPassword}
        </code>
        <button type="button" className="button button-primary" onClick={() => void copyPassword()}>
          Copy
        </button>
      </div>
      <p className="secret-status" role="status" aria-live="polite">
        {copy === 'copied'
          ? 'Copied to the clipboard.'
          : copy === 'failed'
            ? 'The browser refused the clipboard; the password is selected — press Ctrl+C.'
            : ''}
      </p>
      <button type="button" className="button" onClick={onDismiss}>
        Done — hide the password
      </button>
    </section>
  );
}
