import { CursorTrail, offsetPageInfo, offsetPageLabel } from './paging';

describe('offset pages', () => {
  it('places a middle page', () => {
    const info = offsetPageInfo(120, 50, 25, 25);
    expect(info).toEqual({ from: 51, to: 75, page: 3, pages: 5, prevOffset: 25, nextOffset: 75 });
    expect(offsetPageLabel(info, 120)).toBe('Showing 51–75 of 120');
  });

  it('has no previous page on the first, no next on the last', () => {
    expect(offsetPageInfo(30, 0, 25, 25)).toMatchObject({ prevOffset: null, nextOffset: 25 });
    expect(offsetPageInfo(30, 25, 25, 5)).toMatchObject({
      from: 26,
      to: 30,
      prevOffset: 0,
      nextOffset: null,
      pages: 2,
    });
  });

  it('handles no results and an offset past the end', () => {
    const empty = offsetPageInfo(0, 0, 25, 0);
    expect(empty).toMatchObject({ from: 0, to: 0, page: 1, pages: 1, nextOffset: null });
    expect(offsetPageLabel(empty, 0)).toBe('No results');
    expect(offsetPageInfo(10, 50, 25, 0)).toMatchObject({ prevOffset: 25, nextOffset: null });
    // A hand-edited offset that is not a multiple of the page size still goes back to 0.
    expect(offsetPageInfo(100, 10, 25, 25).prevOffset).toBe(0);
  });
});

describe('CursorTrail', () => {
  it('goes forward with cursors and back to the pages already seen', () => {
    let trail = CursorTrail.start();
    expect(trail).toMatchObject({ current: undefined, page: 1, hasPrevious: false });
    trail = trail.next(950).next(900);
    expect(trail).toMatchObject({ current: 900, page: 3, hasPrevious: true });
    trail = trail.previous();
    expect(trail).toMatchObject({ current: 950, page: 2 });
    trail = trail.previous().previous();
    expect(trail).toMatchObject({ current: undefined, page: 1, hasPrevious: false });
  });
});
