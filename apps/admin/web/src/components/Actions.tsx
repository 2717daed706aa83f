import { useState } from 'react';
import { type TemporaryPassword as Issued } from '../api/types';
import { type ActionText } from '../lib/user-actions';
import { ConfirmDialog, type ConfirmRequest } from './ConfirmDialog';
import { ErrorMessage, Notice } from './Feedback';
import { TemporaryPassword } from './TemporaryPassword';

/** The state of a page's confirmed actions on accounts (users or operators). */
export interface ConfirmedActions<A, S> {
  /** Opens the confirmation of `action` on `subject`; it runs when confirmed. */
  ask: (action: A, subject: S) => void;
  /** Shows a password issued outside an action (a new account), clearing older messages. */
  showIssued: (issued: Issued) => void;
  issued: Issued | undefined;
  dismissIssued: () => void;
  done: string | undefined;
  error: unknown;
  confirm: ConfirmRequest | null;
  closeConfirm: () => void;
}

/**
 * Actions that are confirmed in a dialog first, then say what they did (or show the temporary
 * password they issued, or the error); `reload` runs after each, whatever the outcome.
 */
export function useConfirmedActions<A, S>(
  describe: (action: A, subject: S) => ActionText,
  perform: (action: A, subject: S) => Promise<Issued | undefined>,
  reload: () => void,
): ConfirmedActions<A, S> {
  const [issued, setIssued] = useState<Issued>();
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const run = async (action: A, subject: S): Promise<void> => {
    setError(undefined);
    setDone(undefined);
    try {
      const password = await perform(action, subject);
      if (password) setIssued(password);
      setDone(describe(action, subject).done);
    } catch (err) {
      setError(err);
    }
    reload();
  };

  const ask = (action: A, subject: S): void => {
    const text = describe(action, subject);
    setConfirm({
      title: text.title,
      body: <p>{text.body}</p>,
      confirmLabel: text.confirm,
      danger: text.danger,
      onConfirm: () => void run(action, subject),
    });
  };

  return {
    ask,
    showIssued: (next) => {
      setIssued(next);
      setDone(undefined);
      setError(undefined);
      reload();
    },
    issued,
    dismissIssued: () => setIssued(undefined),
    done,
    error,
    confirm,
    closeConfirm: () => setConfirm(null),
  };
}

/** The outcome of the last action: an issued password, what was done, or the error. */
export function ActionOutcome<A, S>({ actions }: { actions: ConfirmedActions<A, S> }) {
  return (
    <>
      {actions.issued && (
        <TemporaryPassword issued={actions.issued} onDismiss={actions.dismissIssued} />
      )}
      {actions.done && !actions.issued && <Notice tone="success">{actions.done}</Notice>}
      <ErrorMessage error={actions.error} />
    </>
  );
}

/** The confirmation dialog of a page's actions. */
export function ActionConfirm<A, S>({ actions }: { actions: ConfirmedActions<A, S> }) {
  return <ConfirmDialog request={actions.confirm} onClose={actions.closeConfirm} />;
}

/** One button an action; the accessible name adds whom it is for. */
export function ActionButtons<A extends string>({
  actions,
  name,
  describe,
  onAction,
  small = true,
}: {
  actions: readonly A[];
  name: string;
  describe: (action: A) => ActionText;
  onAction: (action: A) => void;
  small?: boolean;
}) {
  return actions.map((action) => {
    const text = describe(action);
    return (
      <button
        key={action}
        type="button"
        className={`button ${small ? 'button-small ' : ''}${text.danger ? 'button-danger-quiet' : ''}`}
        aria-label={`${text.label} for ${name}`}
        onClick={() => onAction(action)}
      >
        {text.label}
      </button>
    );
  });
}
