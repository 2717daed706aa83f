import { type FormEvent, useState } from 'react';
import { type AdminApi } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import { ErrorMessage, Notice } from '../components/Feedback';
import { useTitle } from '../hooks';
import { newPasswordProblem } from '../lib/password';

/**
 * Replaces the operator's password: required before anything else for a new operator (the
 * bootstrap admin, or one whose password was reset), available to everyone from the header.
 */
export function ChangePassword({
  api,
  username,
  forced,
  currentPassword,
  onChanged,
  onCancel,
}: {
  api: AdminApi;
  username: string;
  forced: boolean;
  /**
   * The password the operator just signed in with (forced change only): not asked again. Absent
   * after a reload, when the form asks for it.
   */
  currentPassword?: string;
  /** Called with the new password once the server took it (it has then ended every session). */
  onChanged: (newPassword: string) => Promise<void> | void;
  onCancel?: () => void;
}) {
  useTitle('Change password');
  const [current, setCurrent] = useState(currentPassword ?? '');
  // Asked for again only if the server did not take the one carried from the sign-in form.
  const [askCurrent, setAskCurrent] = useState(!currentPassword);
  const carried = !askCurrent;
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const problem = newPasswordProblem(current, next, confirm);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api.changePassword(current, next);
      setCurrent('');
      await onChanged(next);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_credentials') {
        setAskCurrent(true);
        setCurrent('');
      }
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <div className="auth-card">
      <h1>{forced ? 'Choose a new password' : 'Change password'}</h1>
      {forced && (
        <Notice tone="warning">
          Signed in as <strong>{username}</strong> with a password you were given. Choose your own
          password before you continue.
        </Notice>
      )}
      <ErrorMessage>{error}</ErrorMessage>
      <form onSubmit={(event) => void submit(event)} className="form">
        {/* Lets password managers file the new password under the right account. */}
        <input
          type="text"
          name="username"
          autoComplete="username"
          value={username}
          readOnly
          hidden
        />
        {!carried && (
          <div className="field">
            <label htmlFor="current-password">Current password</label>
            <input
              id="current-password"
              type="password"
              autoComplete="current-password"
              required
              autoFocus
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </div>
        )}
        <div className="field">
          <label htmlFor="new-password">New password</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            maxLength={128}
            autoFocus={carried}
            aria-describedby="new-password-hint"
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
          <p id="new-password-hint" className="hint">
            12 to 128 characters. Not your username, not a common password, not a run or repeat of
            characters. A few unrelated words make a good one.
          </p>
        </div>
        <div className="field">
          <label htmlFor="confirm-password">New password again</label>
          <input
            id="confirm-password"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
          {onCancel && (
            <button type="button" className="button" onClick={onCancel}>
              {forced ? 'Sign out' : 'Cancel'}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
