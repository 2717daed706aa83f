import { type FormEvent, type ReactNode, useState } from 'react';
import { describeError } from '../api/errors';
import { ErrorMessage } from './Feedback';

/**
 * A panel with a one-line form that creates an account: the fields are the children, the submit
 * button says `busyLabel` while `create` runs, and a failure is shown under the hint.
 */
export function CreatePanel({
  headingId,
  heading,
  hintId,
  hint,
  submitLabel,
  busyLabel,
  create,
  children,
}: {
  headingId: string;
  heading: string;
  hintId: string;
  hint: string;
  submitLabel: string;
  busyLabel: string;
  create: () => Promise<void>;
  children: ReactNode;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await create();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{heading}</h2>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        {children}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </form>
      <p id={hintId} className="hint">
        {hint}
      </p>
      <ErrorMessage>{error}</ErrorMessage>
    </section>
  );
}

/** The username field of a create form (`aria-describedby` names the panel's hint). */
export function UsernameField({
  id,
  hintId,
  value,
  onChange,
}: {
  id: string;
  hintId: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>Username</label>
      <input
        id={id}
        name="username"
        required
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        aria-describedby={hintId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** An optional text field of a create form. */
export function OptionalField({
  id,
  name,
  label,
  type,
  maxLength,
  value,
  onChange,
}: {
  id: string;
  name: string;
  label: string;
  type?: 'email';
  maxLength: number;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete="off"
        maxLength={maxLength}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
