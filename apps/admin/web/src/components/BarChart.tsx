import { useEffect, useId, useRef, useState } from 'react';
import { type DayCount, labelStep, layoutBars } from '../lib/chart';
import { formatCount, shortDay } from '../lib/format';

/** Width of a day label such as "28 Nov" at the chart's 12 px, with some air. */
const LABEL_WIDTH = 48;
const HEIGHT = 220;

/** The width of an element in CSS pixels, following resizes. */
function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.round(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/**
 * Signatures per day as an inline SVG bar chart (no chart library, nothing fetched), drawn at the
 * width it gets so its text stays readable on a phone. The same numbers are in a visually hidden
 * table for screen readers.
 */
export function BarChart({ points, title }: { points: DayCount[]; title: string }) {
  const { ref, width } = useWidth<HTMLElement>(640);
  const box = {
    width: Math.max(240, width),
    height: HEIGHT,
    left: 40,
    right: 18,
    bottom: 28,
    top: 12,
    gap: 0.25,
  };
  const chart = layoutBars(points, box);
  const titleId = useId();
  const slot = points.length > 0 ? (box.width - box.left - box.right) / points.length : box.width;
  const every = labelStep(slot, LABEL_WIDTH);
  return (
    <figure className="chart" ref={ref}>
      <svg viewBox={`0 0 ${box.width} ${box.height}`} role="img" aria-labelledby={titleId}>
        <title id={titleId}>{title}</title>
        {chart.ticks.map((tick) => (
          <g key={tick} className="chart-grid">
            <line
              x1={box.left}
              x2={box.width - box.right}
              y1={chart.yOf(tick)}
              y2={chart.yOf(tick)}
            />
            <text x={box.left - 6} y={chart.yOf(tick)} dy="0.32em" textAnchor="end">
              {formatCount(tick)}
            </text>
          </g>
        ))}
        {chart.bars.map((bar, i) => (
          <g key={bar.day}>
            <rect className="chart-bar" x={bar.x} y={bar.y} width={bar.width} height={bar.height}>
              <title>{`${bar.day}: ${formatCount(bar.count)}`}</title>
            </rect>
            {(points.length - 1 - i) % every === 0 && (
              <text
                className="chart-label"
                x={bar.x + bar.width / 2}
                y={box.height - 8}
                textAnchor="middle"
              >
                {shortDay(bar.day)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Signatures</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.day}>
              <td>{p.day}</td>
              <td>{p.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
