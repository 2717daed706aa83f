import { type ReactNode } from 'react';

/**
 * The frame of every list table: scrolls on narrow screens, busy while reloading, a caption for
 * screen readers, and one full-width row saying `empty` when there are no rows.
 */
export function DataTable({
  caption,
  busy,
  columns,
  empty,
  children,
}: {
  caption: string;
  busy: boolean;
  /** The header cells (`<th scope="col">`). */
  columns: ReactNode[];
  /** Shown in place of the rows when there are none; null when there are. */
  empty: ReactNode | null;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={busy}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>{columns}</tr>
        </thead>
        <tbody>
          {empty !== null && (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          )}
          {children}
        </tbody>
      </table>
    </div>
  );
}

/** Header cells from their titles; a `false` title (a column not shown) is left out. */
export function columnHeads(titles: readonly (string | false)[]): ReactNode[] {
  return titles
    .filter((title): title is string => title !== false)
    .map((title) => (
      <th key={title} scope="col">
        {title}
      </th>
    ));
}
