import { type Command } from 'commander';
import { usageError } from './cli-error';
import { ExitCode } from './exit-codes';
import { configPath, readConfig, type StoredConfig } from './config-store';
import { Output } from './output';
import { Passwords } from './passwords';
import { Prompter, StdinLines } from './prompt';
import { openSession, type Session } from './session';
import {
  type ConnectionSettings,
  type GlobalOptions,
  resolveConnection,
  resolveServerUrl,
  resolveUsername,
} from './settings';

/**
 * What commands share: the environment, the terminal, the config file, and
 * the secure session — opened per command (and logged out at the end), or the
 * one `dss shell` keeps.
 */
export class Runtime {
  readonly prompter: Prompter;
  #stdinLines?: StdinLines;
  #config?: StoredConfig;
  #passwords?: Passwords;
  readonly #opened: Session[] = [];
  readonly #parent?: Runtime;
  /** Set by a command that fails without an error (`verify` of a bad signature). */
  exitCode: ExitCode = ExitCode.Ok;

  constructor(
    readonly env: NodeJS.ProcessEnv = process.env,
    /** The session of `dss shell`, shared by every command typed in it. */
    readonly shellSession?: Session,
    parent?: Runtime,
  ) {
    this.prompter = parent?.prompter ?? new Prompter();
    this.#stdinLines = parent?.stdinLines();
    this.#parent = parent;
  }

  /** Standard input line by line (for `--password-stdin` and a scripted shell). */
  stdinLines(): StdinLines {
    return (this.#stdinLines ??= new StdinLines());
  }

  globals(cmd: Command): GlobalOptions {
    return cmd.optsWithGlobals<GlobalOptions>();
  }

  output(cmd: Command): Output {
    return new Output(this.globals(cmd).json === true);
  }

  configPath(): string {
    return configPath(this.env);
  }

  config(): StoredConfig {
    return (this.#config ??= readConfig(this.configPath()));
  }

  passwords(cmd: Command): Passwords {
    if (this.#parent) return this.#parent.passwords(cmd);
    return (this.#passwords ??= new Passwords(
      this.globals(cmd).passwordStdin === true,
      this.env,
      this.prompter,
      () => this.stdinLines(),
      this.output(cmd),
    ));
  }

  /** The server URL last resolved, to name the server in an error message. */
  lastServerUrl?: string;

  connection(cmd: Command): ConnectionSettings {
    const settings = resolveConnection(this.globals(cmd), this.env, this.config());
    this.lastServerUrl = settings.serverUrl;
    return settings;
  }

  serverUrl(cmd: Command): string {
    return (this.lastServerUrl = resolveServerUrl(this.globals(cmd), this.env, this.config()));
  }

  /** The logged-in session: the shell's, or a new one (logged out by {@link close}). */
  async session(cmd: Command, { userFlag = true, keepPassword = true } = {}): Promise<Session> {
    if (this.shellSession) return this.shellSession;
    const settings = this.connection(cmd);
    const username = await this.username(cmd, userFlag);
    const session = await openSession({
      settings,
      username,
      passwords: this.passwords(cmd),
      out: this.output(cmd),
      keepPassword,
    });
    this.#opened.push(session);
    return session;
  }

  /** The username from flag, environment or config file, else asked on the terminal. */
  async username(cmd: Command, userFlag = true): Promise<string> {
    const opts = this.globals(cmd);
    const username = resolveUsername(
      userFlag ? opts : { ...opts, user: undefined },
      this.env,
      this.config(),
    );
    if (username) return username;
    if (this.prompter.interactive && !this.globals(cmd).passwordStdin) {
      const typed = (await this.prompter.line('Username: '))?.trim();
      if (typed) return typed;
    }
    throw usageError(
      'no username: pass --user NAME, set DSS_USER, or run `dss config set username NAME`',
    );
  }

  /** Logs out the sessions this runtime opened and releases standard input. */
  async close(): Promise<void> {
    for (const session of this.#opened.splice(0)) await session.logout();
    if (!this.shellSession) this.#stdinLines?.close();
  }
}
