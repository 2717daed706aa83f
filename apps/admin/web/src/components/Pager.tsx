import { type OffsetPageInfo, offsetPageLabel } from '../lib/paging';

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

/** The pager of an offset-paged table; `onOffset` gets the offset filter ('' for the first). */
export function OffsetPager({
  label,
  info,
  total,
  onOffset,
}: {
  label: string;
  info: OffsetPageInfo;
  total: number;
  onOffset: (offset: string) => void;
}) {
  const { prevOffset, nextOffset } = info;
  return (
    <Pager
      label={label}
      status={offsetPageLabel(info, total)}
      onPrevious={
        prevOffset === null ? undefined : () => onOffset(prevOffset ? String(prevOffset) : '')
      }
      onNext={nextOffset === null ? undefined : () => onOffset(String(nextOffset))}
    />
  );
}
