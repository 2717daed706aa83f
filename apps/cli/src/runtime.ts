import { spkiFingerprint } from '@dss/client';
import { type Command } from 'commander';
import { AgentConnection, AgentDssClient } from './agent/agent-client';
import { agentSocketPath } from './agent/agent-paths';
import { type AgentStatus } from './agent/agent-protocol';
import { usageError } from './cli-error';
import { ExitCode } from './exit-codes';
import { configPath, readConfig, type StoredConfig } from './config-store';
import { Output } from './output';
import { Passwords } from './passwords';
import { Prompter, StdinLines } from './prompt';
import { openSession, Session } from './session';
import {
  type ConnectionSettings,
  type GlobalOptions,
  type Pin,
  resolveConnection,
  resolveServerUrl,
  resolveUsername,
} from './settings';
import { sameFingerprint } from './trust';
import { readPublicKeyFile } from './config-store';

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
  readonly #agents: AgentConnection[] = [];
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

  /**
   * The logged-in session: the shell's, the one the `dss login` agent holds for this server and
   * user, or a new one (logged out by {@link close}). `agent: false` never uses the agent.
   */
  async session(
    cmd: Command,
    { userFlag = true, keepPassword = true, agent = true } = {},
  ): Promise<Session> {
    if (this.shellSession) return this.shellSession;
    const settings = this.connection(cmd);
    if (agent) {
      const held = await this.agentSession(cmd, settings, userFlag);
      if (held) return held;
    }
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

  /**
   * The running agent of this server, when it holds a session of the user this command is for
   * and was checked against the same pinned key; else `undefined` (commands then log in).
   */
  async agentStatus(
    cmd: Command,
    settings: ConnectionSettings,
    userFlag = true,
  ): Promise<{ connection: AgentConnection; status: AgentStatus } | undefined> {
    const connection = await AgentConnection.connect(agentSocketPath(this.env, settings.serverUrl));
    if (!connection) return undefined;
    this.#agents.push(connection);
    const status = await connection.status();
    const opts = this.globals(cmd);
    const wanted = resolveUsername(
      userFlag ? opts : { ...opts, user: undefined },
      this.env,
      this.config(),
    );
    if (!status || (wanted !== undefined && wanted !== status.username)) return undefined;
    if (!pinMatches(settings.pin, status)) return undefined;
    return { connection, status };
  }

  private async agentSession(
    cmd: Command,
    settings: ConnectionSettings,
    userFlag: boolean,
  ): Promise<Session | undefined> {
    const found = await this.agentStatus(cmd, settings, userFlag);
    if (!found) return undefined;
    const { connection, status } = found;
    return new Session(
      new AgentDssClient(connection, status, settings.timeoutMs),
      status.serverUrl,
      status.serverFingerprint,
      status.serverPublicKey,
      status.username,
      this.passwords(cmd),
      this.output(cmd),
      false,
    );
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
    for (const connection of this.#agents.splice(0)) connection.close();
    if (!this.shellSession) this.#stdinLines?.close();
  }
}

/** Whether the agent verified its server with the key this command pins. */
function pinMatches(pin: Pin, status: AgentStatus): boolean {
  if (pin.kind === 'fingerprint') return sameFingerprint(pin.fingerprint, status.serverFingerprint);
  try {
    return sameFingerprint(
      spkiFingerprint(readPublicKeyFile(pin.path, 'server key')),
      status.serverFingerprint,
    );
  } catch {
    return false;
  }
}
