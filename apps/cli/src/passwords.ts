import { CliError, usageError } from './cli-error';
import { ExitCode } from './exit-codes';
import { type Output } from './output';
import { type Prompter, type StdinLines } from './prompt';

/** How many times a person at the terminal may retry a new password. */
export const NEW_PASSWORD_ATTEMPTS = 3;

/**
 * Where passwords come from — never from a command-line argument (it would
 * show in `ps` and in the shell history). In order: standard input with
 * `--password-stdin` (one password per line, in the order the command asks for
 * them), the environment (`DSS_PASSWORD`, and `DSS_NEW_PASSWORD` for a forced
 * or requested change), else a prompt without echo on the terminal.
 */
export class Passwords {
  constructor(
    private readonly fromStdin: boolean,
    private readonly env: NodeJS.ProcessEnv,
    private readonly prompter: Prompter,
    private readonly stdinLines: () => StdinLines,
    private readonly out: Output,
  ) {}

  /** Whether a person types the passwords (and may retry a refused one). */
  get interactive(): boolean {
    return !this.fromStdin && this.prompter.interactive;
  }

  /** The current password of `username`. */
  async current(username: string, prompt = `Password for ${username}: `): Promise<string> {
    if (this.fromStdin) return this.#stdinLine('the password');
    if (this.env.DSS_PASSWORD) return this.env.DSS_PASSWORD;
    if (this.prompter.interactive) return this.prompter.secret(prompt);
    throw usageError(
      'no password: type it on a terminal, or give it in DSS_PASSWORD or on standard input with --password-stdin',
    );
  }

  /**
   * A new password. On a terminal it is asked twice (again when the two differ);
   * otherwise it is the next line of standard input, or `DSS_NEW_PASSWORD`.
   */
  async newPassword(): Promise<string> {
    if (this.fromStdin) return this.#stdinLine('the new password');
    if (this.env.DSS_NEW_PASSWORD) return this.env.DSS_NEW_PASSWORD;
    if (!this.prompter.interactive) {
      throw new CliError(
        'password_change_required',
        'a new password is required: run the command on a terminal, or give the new password in DSS_NEW_PASSWORD or as the next line of standard input with --password-stdin',
        ExitCode.Auth,
      );
    }
    for (let attempt = 1; ; attempt++) {
      const first = await this.prompter.secret('New password: ');
      const second = await this.prompter.secret('Repeat the new password: ');
      if (first === second && first !== '') return first;
      const problem = first === '' ? 'the password is empty' : 'the two passwords differ';
      if (attempt >= NEW_PASSWORD_ATTEMPTS) {
        throw new CliError('password_mismatch', `${problem}; password not changed`, ExitCode.Auth);
      }
      this.out.note(`${problem}; try again.`);
    }
  }

  async #stdinLine(what: string): Promise<string> {
    const line = await this.stdinLines().next();
    if (line === undefined || line === '') {
      throw usageError(`--password-stdin: standard input has no line for ${what}`);
    }
    return line;
  }
}
