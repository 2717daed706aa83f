/** Paging arithmetic for offset pages (users, keys) and cursor pages (audit events). */

export interface OffsetPageInfo {
  /** 1-based index of the first item shown; 0 when the page is empty. */
  from: number;
  /** 1-based index of the last item shown. */
  to: number;
  /** 1-based page number and the number of pages (at least 1). */
  page: number;
  pages: number;
  prevOffset: number | null;
  nextOffset: number | null;
}

/** Where an offset page sits in the whole result. */
export function offsetPageInfo(
  total: number,
  offset: number,
  limit: number,
  shown: number,
): OffsetPageInfo {
  const size = Math.max(1, limit);
  const from = shown > 0 ? offset + 1 : 0;
  const to = shown > 0 ? offset + shown : 0;
  return {
    from,
    to,
    page: Math.floor(offset / size) + 1,
    pages: Math.max(1, Math.ceil(total / size)),
    prevOffset: offset > 0 ? Math.max(0, offset - size) : null,
    nextOffset: offset + size < total ? offset + size : null,
  };
}

/** `Showing 1–50 of 120` / `No results`. */
export function offsetPageLabel(info: OffsetPageInfo, total: number): string {
  return total === 0 || info.from === 0
    ? 'No results'
    : `Showing ${info.from}–${info.to} of ${total}`;
}

/**
 * The cursors of a forward-only cursor API, kept as a stack so "Previous" works: entry i is the
 * `after` value that fetched page i (undefined for the first page).
 */
export class CursorTrail {
  private constructor(private readonly cursors: readonly (number | undefined)[]) {}

  static start(): CursorTrail {
    return new CursorTrail([undefined]);
  }

  /** The `after` of the page on screen. */
  get current(): number | undefined {
    return this.cursors[this.cursors.length - 1];
  }

  /** 1-based number of the page on screen. */
  get page(): number {
    return this.cursors.length;
  }

  get hasPrevious(): boolean {
    return this.cursors.length > 1;
  }

  next(cursor: number): CursorTrail {
    return new CursorTrail([...this.cursors, cursor]);
  }

  previous(): CursorTrail {
    return this.hasPrevious ? new CursorTrail(this.cursors.slice(0, -1)) : this;
  }
}
