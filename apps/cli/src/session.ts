import { DssApiError, DssChannelError, DssClient } from '@dss/client';
import { type Output } from './output';
import { NEW_PASSWORD_ATTEMPTS, type Passwords } from './passwords';
import { type ConnectionSettings } from './settings';
import { trustedServerKey } from './trust';

/**
 * One secure session (PROTOCOL.md §2) logged in as one user. A command on
 * its own opens one and logs out at the end; `dss shell` keeps one for many
 * commands.
 */
export class Session {
  /** Whether the first-login flow changed the password while logging in. */
  passwordChanged = false;
  #password?: string;

  constructor(
    readonly client: DssClient,
    readonly serverUrl: string,
    readonly serverFingerprint: string,
    /** The pinned server key the handshake was verified with (SPKI PEM). */
    readonly serverPublicKey: string,
    readonly username: string,
    readonly passwords: Passwords,
    private readonly out: Output,
    /** Keep the password in memory to log in again after an expiry (one command only). */
    private readonly keepPassword: boolean,
  ) {}

  /** The password this session logged in with, when it is kept (see `keepPassword`). */
  get password(): string | undefined {
    return this.#password;
  }

  set password(value: string | undefined) {
    if (this.keepPassword) this.#password = value;
  }

  /**
   * Runs an operation; when the server forgot the session (expired, or idle
   * too long while a large file was hashed), handshakes and logs in again,
   * then runs it once more. A channel error means the request was not processed.
   */
  async run<T>(operation: (client: DssClient) => Promise<T>): Promise<T> {
    try {
      return await operation(this.client);
    } catch (err) {
      if (
        !(err instanceof DssChannelError) ||
        (err.code !== 'session_expired' && err.code !== 'unknown_session')
      ) {
        throw err;
      }
    }
    this.out.note('The secure session expired; logging in again.');
    await this.client.handshake();
    const password = this.#password ?? (await this.passwords.current(this.username));
    await this.client.login(this.username, password);
    return operation(this.client);
  }

  /** Logs out; the session is gone whatever the answer. */
  async logout(): Promise<void> {
    this.#password = undefined;
    try {
      await this.client.logout();
    } catch {
      // Best effort: the server forgets idle sessions anyway.
    }
  }
}

/**
 * Opens a session: checks the server against the pinned key, handshakes, logs
 * in, and on a first login (`mustChangePassword`) asks for a new password,
 * changes it and logs in again with it, as the original report describes.
 */
export async function openSession(options: {
  settings: ConnectionSettings;
  username: string;
  passwords: Passwords;
  out: Output;
  keepPassword: boolean;
}): Promise<Session> {
  const { settings, username, passwords, out } = options;
  const trusted = await trustedServerKey(settings.serverUrl, settings.pin, settings.timeoutMs);
  const client = new DssClient({
    baseUrl: settings.serverUrl,
    serverPublicKey: trusted.pem,
    timeoutMs: settings.timeoutMs,
  });
  await client.handshake();
  const session = new Session(
    client,
    settings.serverUrl,
    trusted.fingerprint,
    trusted.pem,
    username,
    passwords,
    out,
    options.keepPassword,
  );
  let password = await passwords.current(username);
  const login = await client.login(username, password);
  if (login.mustChangePassword) {
    out.note(
      `First login of ${username}: the password is temporary and must be changed now (12 to 128 characters).`,
    );
    password = await changePassword(client, passwords, out, password);
    out.note('Password changed. Logging in again with the new password.');
    await client.login(username, password);
    session.passwordChanged = true;
  }
  session.password = password;
  return session;
}

/**
 * Asks for a new password and changes it (`POST /v1/auth/password`); on a
 * terminal a refused (weak) password may be retried. The session is then
 * **open** again: the caller logs in with the returned password.
 */
export async function changePassword(
  client: DssClient,
  passwords: Passwords,
  out: Output,
  current: string,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const next = await passwords.newPassword();
    try {
      await client.changePassword(current, next);
      return next;
    } catch (err) {
      const retry =
        err instanceof DssApiError &&
        err.code === 'weak_password' &&
        passwords.interactive &&
        attempt < NEW_PASSWORD_ATTEMPTS;
      if (!retry) throw err;
      out.note(`The server refused this password: ${err.message}. Choose another.`);
    }
  }
}
