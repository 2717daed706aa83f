/** Previous / next controls with the position in words. */
export function Pager({
  label,
  status,
  onPrevious,
  onNext,
}: {
  /** Names the table it pages, for screen readers. */
  label: string;
  status: string;
  onPrevious?: () => void;
  onNext?: () => void;
}) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <p className="pager-status" aria-live="polite">
        {status}
      </p>
      <div className="pager-buttons">
        <button type="button" className="button" disabled={!onPrevious} onClick={onPrevious}>
          ‹ Previous
        </button>
        <button type="button" className="button" disabled={!onNext} onClick={onNext}>
          Next ›
        </button>
      </div>
    </nav>
  );
}
