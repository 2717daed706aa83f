/** Geometry of the overview's bar chart (signatures per day), drawn as inline SVG. */

export interface DayCount {
  day: string;
  count: number;
}

export interface Bar {
  day: string;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BarChart {
  bars: Bar[];
  /** Top of the value axis (a round number ≥ the largest count, at least 1). */
  max: number;
  /** Values of the horizontal grid lines, from 0 to max. */
  ticks: number[];
  /** y of a value, for grid lines and labels. */
  yOf(value: number): number;
}

export interface ChartBox {
  width: number;
  height: number;
  /** Space on the left for axis labels, at the bottom for day labels. */
  left: number;
  /** Space on the right, so the last day label is not cut (default 0). */
  right?: number;
  bottom: number;
  top: number;
  /** Fraction of each slot left empty between bars. */
  gap: number;
}

/** The smallest 1, 2 or 5 × 10^k that is ≥ value (and ≥ 1). */
export function niceCeiling(value: number): number {
  if (!(value > 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/**
 * Tick values from 0 to `max` (a {@link niceCeiling} value) in whole, evenly spaced steps of
 * 1, 2 or 5 × 10^k, at most five steps: 5 → 0..5, 10 → 0, 2, …, 10, 20 → 0, 5, …, 20.
 */
export function ticksFor(max: number): number[] {
  let step = 1;
  for (let magnitude = 1; ; magnitude *= 10) {
    const fit = [1, 2, 5].map((m) => m * magnitude).find((s) => max / s <= 5 && max % s === 0);
    if (fit !== undefined || magnitude > max) {
      step = fit ?? max;
      break;
    }
  }
  const ticks: number[] = [];
  for (let value = 0; value <= max; value += step) ticks.push(value);
  return ticks;
}

/**
 * Fills the days missing from `points` with zero so the chart always has one bar per day of the
 * range ending at `lastDay` (YYYY-MM-DD, UTC), oldest first.
 */
export function fillDays(points: readonly DayCount[], lastDay: string, days: number): DayCount[] {
  const counts = new Map(points.map((p) => [p.day, p.count]));
  const end = Date.parse(`${lastDay}T00:00:00Z`);
  const out: DayCount[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(end - i * 86_400_000).toISOString().slice(0, 10);
    out.push({ day, count: counts.get(day) ?? 0 });
  }
  return out;
}

/** Scales day counts into bars inside the box. */
export function layoutBars(points: readonly DayCount[], box: ChartBox): BarChart {
  const plotWidth = box.width - box.left - (box.right ?? 0);
  const plotHeight = box.height - box.top - box.bottom;
  const max = niceCeiling(Math.max(0, ...points.map((p) => p.count)));
  const slot = points.length > 0 ? plotWidth / points.length : plotWidth;
  const barWidth = slot * (1 - box.gap);
  const yOf = (value: number): number => box.top + plotHeight - (value / max) * plotHeight;
  const bars = points.map((p, i) => {
    const height = (Math.max(0, p.count) / max) * plotHeight;
    return {
      day: p.day,
      count: p.count,
      x: box.left + i * slot + (slot - barWidth) / 2,
      y: box.top + plotHeight - height,
      width: barWidth,
      height,
    };
  });
  return { bars, max, ticks: ticksFor(max), yOf };
}

/**
 * Show every n-th day label so that labels of `labelWidth` px do not overlap in slots of
 * `slotWidth` px; the newest day always has its label.
 */
export function labelStep(slotWidth: number, labelWidth: number): number {
  if (!(slotWidth > 0)) return 1;
  return Math.max(1, Math.ceil(labelWidth / slotWidth));
}
