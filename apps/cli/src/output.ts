import { type ErrorReport } from './error-report';

/** A writable text stream (process.stdout / process.stderr, or a test double). */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Where a command's results and notes go. Results on standard output, readable
 * by default or one JSON object per command with `--json`; notes, prompts and
 * progress on standard error, so that standard output stays parseable.
 */
export class Output {
  constructor(
    readonly json: boolean,
    readonly stdout: TextSink = process.stdout,
    readonly stderr: TextSink = process.stderr,
  ) {}

  /** Prints a command's result: `data` as JSON with `--json`, else `text`. */
  result(data: object, text: string | readonly string[]): void {
    if (this.json) {
      this.stdout.write(`${JSON.stringify(data)}\n`);
    } else {
      const lines = typeof text === 'string' ? [text] : text;
      this.stdout.write(`${lines.join('\n')}\n`);
    }
  }

  /** A note for the person at the terminal (standard error, also under `--json`). */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /**
   * An error: one line `dss: <message>` on standard error (plus the two
   * fingerprints of a refused server), or `{"error": {code, message, ...}}` on
   * standard output with `--json`.
   */
  error(report: ErrorReport): void {
    if (this.json) {
      this.stdout.write(
        `${JSON.stringify({ error: { code: report.code, message: report.message, ...report.details } })}\n`,
      );
    } else {
      this.stderr.write(`dss: ${report.message}\n`);
    }
    if (report.more.length > 0 && !this.json) {
      this.stderr.write(`${report.more.join('\n')}\n`);
    }
  }
}
