import { createInterface, type Completer, type Interface } from 'node:readline';
import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';

const ETX = '\u0003'; // Ctrl-C
const EOT = '\u0004'; // Ctrl-D
const NAK = '\u0015'; // Ctrl-U
const ESC = '\u001b';
const DEL = '\u007f';

function interrupted(): CliError {
  return new CliError('interrupted', 'interrupted', ExitCode.Interrupted);
}

/**
 * Questions to the person at the terminal: prompts on standard error, answers
 * from standard input when it is a terminal. Secrets are read in raw mode, so
 * the terminal never echoes them (no npm package needed).
 */
export class Prompter {
  constructor(
    private readonly input: NodeJS.ReadStream = process.stdin,
    private readonly output: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Whether a person can answer: standard input is a terminal. */
  get interactive(): boolean {
    return this.input.isTTY === true && typeof this.input.setRawMode === 'function';
  }

  /**
   * Reads a secret without echo. Enter ends it; Backspace and Ctrl-U edit;
   * Ctrl-C, or Ctrl-D on an empty line, aborts (exit 130).
   */
  secret(prompt: string): Promise<string> {
    const { input, output } = this;
    return new Promise((resolve, reject) => {
      // Raw mode before the prompt: whatever is typed once it shows is never echoed.
      input.setRawMode(true);
      output.write(prompt);
      let value: string[] = [];
      let escape: 'none' | 'start' | 'csi' = 'none';
      const finish = (): void => {
        input.off('data', onData);
        input.setRawMode(false);
        input.pause();
        output.write('\n');
      };
      const onData = (chunk: Buffer | string): void => {
        for (const ch of chunk.toString()) {
          // Skip terminal escape sequences (arrow keys...): ESC [ params final-byte.
          if (escape === 'start') {
            escape = ch === '[' || ch === 'O' ? 'csi' : 'none';
            continue;
          }
          if (escape === 'csi') {
            if (ch >= '@' && ch <= '~') escape = 'none';
            continue;
          }
          if (ch === '\r' || ch === '\n') {
            finish();
            resolve(value.join(''));
            return;
          }
          if (ch === ETX || (ch === EOT && value.length === 0)) {
            finish();
            reject(interrupted());
            return;
          }
          if (ch === DEL || ch === '\b') value = value.slice(0, -1);
          else if (ch === NAK) value = [];
          else if (ch === ESC) escape = 'start';
          else if (ch >= ' ') value.push(ch);
        }
      };
      input.on('data', onData);
      input.resume();
    });
  }

  /**
   * Reads one line with echo and line editing. Resolves `undefined` at end of
   * input (Ctrl-D); Ctrl-C rejects with `interrupted`.
   *
   * @param history - earlier lines for the arrow keys; updated in place.
   * @param completer - what the Tab key completes (`dss shell`: commands and file names).
   */
  line(prompt: string, history?: string[], completer?: Completer): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const rl = createInterface({
        input: this.input,
        output: this.output,
        terminal: this.input.isTTY === true,
        history: history ? [...history] : undefined,
        historySize: history ? 200 : 0,
        removeHistoryDuplicates: true,
        completer,
      });
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        fn();
      };
      if (history) {
        rl.on('history', (lines) => history.splice(0, history.length, ...lines));
      }
      rl.on('SIGINT', () => {
        this.output.write('^C\n');
        settle(() => reject(interrupted()));
        rl.close();
      });
      rl.on('close', () => settle(() => resolve(undefined)));
      rl.question(prompt, (answer) => {
        settle(() => resolve(answer));
        rl.close();
      });
    });
  }

  /** Asks a yes/no question; only `y` or `yes` is a yes. */
  async confirm(question: string): Promise<boolean> {
    const answer = await this.line(`${question} [y/N] `);
    return /^(y|yes)$/i.test((answer ?? '').trim());
  }
}

/**
 * Standard input read line by line when it is not a terminal: passwords for
 * `--password-stdin` (one per line, in the order the command needs them) and
 * the commands of a scripted `dss shell`.
 */
export class StdinLines {
  #rl?: Interface;
  #lines?: AsyncIterableIterator<string>;

  constructor(private readonly input: NodeJS.ReadableStream = process.stdin) {}

  /** The next line without its line ending, or `undefined` at end of input. */
  async next(): Promise<string | undefined> {
    if (!this.#lines) {
      this.#rl = createInterface({ input: this.input, terminal: false, crlfDelay: Infinity });
      this.#lines = this.#rl[Symbol.asyncIterator]();
    }
    const next: IteratorResult<string, unknown> = await this.#lines.next();
    return next.done ? undefined : next.value;
  }

  close(): void {
    this.#rl?.close();
  }
}
