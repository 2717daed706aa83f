import { type TextSink } from './output';

/** Files larger than this show a progress bar while they are read, on a terminal. */
export const PROGRESS_THRESHOLD_BYTES = 32 * 1024 * 1024;

const WIDTH = 30;
const MIB = 1024 * 1024;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < MIB) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * MIB) return `${(n / MIB).toFixed(1)} MiB`;
  return `${(n / (1024 * MIB)).toFixed(2)} GiB`;
}

/** A one-line progress bar on standard error, redrawn at most ten times a second. */
export class ProgressBar {
  #done = 0;
  #lastDraw = 0;
  readonly #started: number;

  constructor(
    private readonly stream: TextSink,
    private readonly label: string,
    private readonly total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#started = now();
    this.#draw();
  }

  /** Adds `bytes` to the amount done. */
  advance(bytes: number): void {
    this.#done += bytes;
    const t = this.now();
    if (t - this.#lastDraw >= 100) this.#draw();
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    this.#draw();
    this.stream.write('\n');
  }

  #draw(): void {
    this.#lastDraw = this.now();
    const ratio = this.total > 0 ? Math.min(1, this.#done / this.total) : 1;
    const filled = Math.round(ratio * WIDTH);
    const seconds = Math.max((this.#lastDraw - this.#started) / 1000, 0.001);
    const rate = this.#done / seconds;
    this.stream.write(
      `\r\u001b[K${this.label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ` +
        `${String(Math.floor(ratio * 100)).padStart(3)}% ${formatBytes(this.#done)} / ${formatBytes(this.total)}` +
        (this.#done > 0 ? ` ${formatBytes(rate)}/s` : ''),
    );
  }
}

/** A progress bar when `stream` is a terminal and the file is large, else `undefined`. */
export function progressBarFor(
  stream: TextSink,
  label: string,
  total: number,
): ProgressBar | undefined {
  return stream.isTTY === true && total > PROGRESS_THRESHOLD_BYTES
    ? new ProgressBar(stream, label, total)
    : undefined;
}
