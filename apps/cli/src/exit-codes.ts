/** Documented exit codes of `dss` (README, "The `dss` command line"). */
export enum ExitCode {
  Ok = 0,
  /** `dss verify`: the signature does not verify; or another local failure (writing a file). */
  Failure = 1,
  /** Bad flags or arguments, missing configuration, a refused confirmation. */
  Usage = 2,
  /** invalid_credentials, too_many_attempts, weak_password (after retries), not_authenticated. */
  Auth = 3,
  /** no_key, or a file named on the command line does not exist. */
  NotFound = 4,
  /** key_exists, key_deleted. */
  Conflict = 5,
  /** Unreachable, timeout, not a DSS server, 5xx, channel errors. */
  Server = 6,
  /** The handshake is not signed by the pinned server key: the server is refused. */
  ServerIdentity = 7,
  /**
   * The server's audit log contradicts a checkpoint this client verified before: rolled back,
   * forked, or signed by another key (docs/AUDIT-LOG.md §7).
   */
  LogInconsistent = 8,
  /** Ctrl-C at a prompt. */
  Interrupted = 130,
}
