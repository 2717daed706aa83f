import { type ReactNode, useEffect, useId, useRef } from 'react';

export interface ConfirmRequest {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  /** Destructive actions get a red button. */
  danger?: boolean;
  onConfirm: () => void;
}

/**
 * A modal confirmation on the native <dialog>: the browser traps focus, Escape cancels, and
 * focus returns to the button that opened it. Cancel has the initial focus, so Enter never
 * confirms a destructive action by accident.
 */
export function ConfirmDialog({
  request,
  onClose,
}: {
  request: ConfirmRequest | null;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (request && !element.open) {
      const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      element.showModal();
      cancel.current?.focus();
      return () => opener?.focus();
    }
    if (!request && element.open) element.close();
    return undefined;
  }, [request]);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onClose={onClose}
      onCancel={onClose}
    >
      {request && (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            const confirm = request.onConfirm;
            onClose();
            confirm();
          }}
        >
          <h2 id={titleId}>{request.title}</h2>
          <div id={bodyId} className="dialog-body">
            {request.body}
          </div>
          <div className="dialog-actions">
            <button type="button" className="button" ref={cancel} onClick={onClose}>
              Cancel
            </button>
            <button
              type="submit"
              className={`button ${request.danger ? 'button-danger' : 'button-primary'}`}
            >
              {request.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
