import { fillDays, labelStep, layoutBars, niceCeiling, ticksFor } from './chart';

const BOX = { width: 540, height: 240, left: 40, bottom: 30, top: 10, gap: 0.2 };

describe('chart scaling', () => {
  it('rounds the axis up to 1, 2 or 5 × 10^k', () => {
    expect([0, 1, 2, 3, 7, 10, 11, 36, 101, 4999].map(niceCeiling)).toEqual([
      1, 1, 2, 5, 10, 10, 20, 50, 200, 5000,
    ]);
  });

  it('makes whole, evenly spaced ticks of 1, 2 or 5 × 10^k', () => {
    expect(ticksFor(1)).toEqual([0, 1]);
    expect(ticksFor(2)).toEqual([0, 1, 2]);
    expect(ticksFor(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticksFor(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticksFor(20)).toEqual([0, 5, 10, 15, 20]);
    expect(ticksFor(50)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(ticksFor(200)).toEqual([0, 50, 100, 150, 200]);
    expect(ticksFor(5000)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('fills missing days with zero, oldest first, ending on the last day', () => {
    expect(fillDays([{ day: '2026-03-01', count: 4 }], '2026-03-02', 3)).toEqual([
      { day: '2026-02-28', count: 0 },
      { day: '2026-03-01', count: 4 },
      { day: '2026-03-02', count: 0 },
    ]);
  });

  it('lays bars inside the plot, the tallest reaching the rounded maximum', () => {
    const chart = layoutBars(
      [
        { day: 'a', count: 0 },
        { day: 'b', count: 5 },
        { day: 'c', count: 10 },
      ],
      BOX,
    );
    expect(chart.max).toBe(10);
    const plotHeight = BOX.height - BOX.top - BOX.bottom;
    const [zero, half, full] = chart.bars;
    expect(zero.height).toBe(0);
    expect(half.height).toBeCloseTo(plotHeight / 2);
    expect(full.height).toBeCloseTo(plotHeight);
    expect(full.y).toBeCloseTo(BOX.top);
    expect(zero.y + zero.height).toBeCloseTo(BOX.height - BOX.bottom);
    // Three equal slots of 500 px, each bar 80 % of its slot, centred.
    expect(zero.width).toBeCloseTo(400 / 3);
    expect(zero.x).toBeCloseTo(40 + 500 / 30);
    expect(full.x + full.width).toBeLessThanOrEqual(BOX.width);
    expect(chart.yOf(0)).toBeCloseTo(BOX.height - BOX.bottom);
    expect(chart.yOf(10)).toBeCloseTo(BOX.top);
  });

  it('draws an all-zero series flat with a unit axis', () => {
    const chart = layoutBars([{ day: 'a', count: 0 }], BOX);
    expect(chart.max).toBe(1);
    expect(chart.bars[0].height).toBe(0);
  });
});

describe('day labels', () => {
  it('thins the labels out when the slots are narrower than a label', () => {
    expect(labelStep(80, 44)).toBe(1);
    expect(labelStep(40, 44)).toBe(2);
    expect(labelStep(20, 44)).toBe(3);
    expect(labelStep(0, 44)).toBe(1);
  });
});
