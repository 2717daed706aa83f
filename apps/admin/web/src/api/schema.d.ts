// Generated from docs/admin-openapi.json by scripts/admin-api-types.js: do not edit.
// After an admin API change: npm run openapi (it runs npm run api-types too).

export type paths = {
  '/api/approvals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Dual-control approval requests (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     With DSS_DUAL_CONTROL=true, cancelling a pending key deletion and allowing a new key pair wait here for a second administrator. Newest first; requests expire after 24 h.
     */
    get: operations['ApprovalsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/approvals/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Approve a request (admin only)
     * @description **Admin only.**
     *
     *     A second administrator (not the one who asked) approves: the action is carried out exactly as without dual control, in the same transaction. Audited (approval.approved, then the action’s own event).
     */
    post: operations['ApprovalsController_approve'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/approvals/{id}/reject': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Reject a request (admin only)
     * @description **Admin only.**
     *
     *     Nothing is carried out; the requester may withdraw their own request this way. Audited (approval.rejected).
     */
    post: operations['ApprovalsController_reject'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/audit/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Audit events (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     The hash-chained trail, filtered by action, actor, subject and time range, a page at a time: pass `nextCursor` as `after` for the next page. Recorded as `audit.read`.
     */
    get: operations['AuditController_events'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/audit/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Export the whole trail (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     Streams every event, oldest first, as NDJSON (one event per line, as in `GET /api/audit/events`; re-verifiable) or CSV (cells a spreadsheet would run as formulas get a leading `'`). Sent as an attachment; `X-DSS-Audit-Head-Seq` and `X-DSS-Audit-Head-Hash` name the head it ends at. Recorded as `audit.exported` before the first byte.
     */
    get: operations['AuditController_export'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/audit/integrity': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The outcome of the latest verification (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     From the latest `audit.verified` event: the dashboard shows a banner on every page while it says the trail is broken. Reads no other event, so it is not recorded.
     */
    get: operations['AuditController_integrity'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/audit/key-deletions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Key deletions (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     Who deleted which key pair and when (from the `key.deleted` events), whether and by whom a new key pair was allowed afterwards, checked against the key records; plus any key record marked deleted without an event. Recorded as `audit.read`.
     */
    get: operations['AuditController_keyDeletions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/audit/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Verify the trail against the signed log (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     Recomputes the hash chain and the Merkle tree over every event and checks them against every signed checkpoint: those in the database, the checkpoint file, and `checkpoint` when given (one saved outside the database: the only kind the database administrators cannot rewrite). Names the first altered, missing, reordered or removed event. Keep `latestCheckpoint` somewhere else. Recorded as `audit.verified`.
     */
    get: operations['AuditController_verify'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Log in (public)
     * @description Public: no authentication.
     *
     *     Opens a session. By default the answer carries a bearer token (`accessToken`); with `"session": "cookie"` it sets an HttpOnly, SameSite=Strict session cookie (`dss_admin_session`) and a readable `dss_csrf` cookie instead, and carries no token. Unknown operator, disabled operator and wrong password all answer 401 `invalid_credentials`; repeated failures lock the operator (429 `too_many_attempts`), and logins are throttled per client address.
     */
    post: operations['AuthController_login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Log out (any operator, own session)
     * @description **Any operator (admin or auditor), for their own session.**
     *
     *     Revokes the token or cookie session used for this request.
     */
    post: operations['AuthController_logout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Who am I (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     The operator and session of this request.
     */
    get: operations['AuthController_me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Change your password (any operator, own session)
     * @description **Any operator (admin or auditor), for their own session.**
     *
     *     Allowed while a password change is required. Ends every session of the operator, this one included: log in again with the new password.
     */
    post: operations['AuthController_changePassword'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/sign-in-status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Sign-in page status (public)
     * @description Public: no authentication.
     *
     *     What the sign-in page may show before anyone signs in: whether the first-start `admin` has still never signed in (then the page says where its bootstrap password is). Holds no secret.
     */
    get: operations['AuthController_signInStatus'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Key inventory (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     Every key pair, newest first — the key history of each user: key id, algorithm, fingerprint, created, retired, deleted, pending deletion, status. Never any key material.
     */
    get: operations['KeysController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/keys/pending-deletions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Pending key deletions (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     Key pairs deleted with a grace period (DSS_KEY_DELETION_GRACE), soonest destruction first. They no longer sign; an admin can cancel until they are due.
     */
    get: operations['KeysController_pendingDeletions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/keys/pending-deletions/{username}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a pending key deletion (admin only)
     * @description **Admin only.**
     *
     *     The user’s key pair signs again at once and key creation is no longer blocked. Audited (key.deletion_cancelled). With DSS_DUAL_CONTROL=true nothing changes yet: the answer is 202 with a pending approval request (audited approval.requested) that a second administrator approves with POST /api/approvals/{id}/approve.
     */
    post: operations['KeysController_cancelDeletion'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/operators': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List operators (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     Ordered by username.
     */
    get: operations['OperatorsController_list'];
    put?: never;
    /**
     * Create an operator (admin only)
     * @description **Admin only.**
     *
     *     Creates an admin or auditor with a one-time password, returned only in this answer; they must change it at first login.
     */
    post: operations['OperatorsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/operators/{username}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One operator (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     */
    get: operations['OperatorsController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/operators/{username}/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Disable an operator (admin only)
     * @description **Admin only.**
     *
     *     Stops logins and ends the operator’s sessions. The last enabled admin cannot be disabled.
     */
    post: operations['OperatorsController_disable'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/operators/{username}/enable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enable an operator (admin only)
     * @description **Admin only.**
     *
     *     Also clears a lockout.
     */
    post: operations['OperatorsController_enable'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/operators/{username}/reset-password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Reset an operator’s password (admin only)
     * @description **Admin only.**
     *
     *     Issues a new one-time password (returned only in this answer), clears a lockout and ends the operator’s sessions.
     */
    post: operations['OperatorsController_resetPassword'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/operators/{username}/unlock': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Unlock an operator (admin only)
     * @description **Admin only.**
     *
     *     Ends every login lock of the operator, from every client address, and forgets their failed logins. Idempotent.
     */
    post: operations['OperatorsController_unlock'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/stats/overview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Counts for the dashboard overview (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     Users by status, active key pairs, signatures in the last 24 hours, key deletions in the last 30 days, and signatures per UTC day for the last 14 days (counted from the audit trail).
     */
    get: operations['StatsController_overview'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List users (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     Ordered by username; filter by part of the name and by status.
     */
    get: operations['UsersController_list'];
    put?: never;
    /**
     * Register a user (admin only)
     * @description **Admin only.**
     *
     *     Creates an employee account with a one-time temporary password (130 random bits, expires after DSS_TEMP_PASSWORD_TTL_HOURS). This answer and reset-password are the only ones that ever contain a password; the user must change it at first login.
     */
    post: operations['UsersController_register'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{username}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One user (read-only; admin and auditor)
     * @description **Read-only; admin and auditor.**
     *
     *     Account state, lockout, and key status with the active key pair, if any.
     */
    get: operations['UsersController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{username}/allow-new-key': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Allow a new key pair (admin only)
     * @description **Admin only.**
     *
     *     After DeleteKeys a user cannot create a new key pair until an admin allows it. Idempotent. With DSS_DUAL_CONTROL=true nothing changes yet: the answer is 202 with a pending approval request (audited approval.requested) that a second administrator approves with POST /api/approvals/{id}/approve.
     */
    post: operations['UsersController_allowNewKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{username}/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Disable a user (admin only)
     * @description **Admin only.**
     *
     *     Stops logins and ends the user’s sessions. Idempotent.
     */
    post: operations['UsersController_disable'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{username}/enable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enable a user (admin only)
     * @description **Admin only.**
     *
     *     Allows logins again and clears a lockout. Idempotent.
     */
    post: operations['UsersController_enable'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{username}/reset-password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Reset a user’s password (admin only)
     * @description **Admin only.**
     *
     *     Issues a new temporary password (returned only in this answer), clears a lockout and ends the user’s sessions; the user must change it at next login. Does not enable a disabled user.
     */
    post: operations['UsersController_resetPassword'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{username}/unlock': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Unlock a user (admin only)
     * @description **Admin only.**
     *
     *     Ends every login lock of the user, from every client address, and forgets their failed logins (docs/SECURITY.md). Idempotent: `changed` is false when nothing was locked or counted.
     */
    post: operations['UsersController_unlock'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
};
export type webhooks = Record<string, never>;
export type components = {
  schemas: {
    ActiveKeyDto: {
      /** @example ecdsa-p256 */
      algorithm: string;
      /** Format: date-time */
      createdAt: string;
      /** @description Hex SHA-256 of the public key */
      fingerprint: string;
      /** Format: uuid */
      keyId: string;
    };
    ApprovalDto: {
      /** Format: date-time */
      decidedAt: string | null;
      /** @description Who approved or rejected it */
      decidedBy: string | null;
      /**
       * Format: date-time
       * @description From then on the request reads as `expired` and cannot be approved (24 h)
       */
      expiresAt: string;
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      kind: 'cancel_deletion' | 'allow_new_key';
      /** Format: date-time */
      requestedAt: string;
      /**
       * @description The administrator who asked
       * @example admin.a
       */
      requestedBy: string;
      /** @enum {string} */
      status: 'pending' | 'approved' | 'rejected' | 'expired';
      /** @example alice */
      username: string;
    };
    ApprovalListDto: {
      items: components['schemas']['ApprovalDto'][];
    };
    ApprovalOutcomeDto: {
      approval: components['schemas']['ApprovalDto'];
      /** @description `cancel_deletion`: the cancelled deletion; the key signs again */
      cancelled?: components['schemas']['PendingDeletionDto'];
      /** @description `allow_new_key`: false when key creation was not blocked */
      changed?: boolean;
    };
    AuditEventDto: {
      /** @example key.deleted */
      action: string;
      actor: string;
      /** @enum {string} */
      actorType: 'user' | 'operator' | 'system';
      /** Format: date-time */
      at: string;
      /** @description What else was recorded (never secrets) */
      details: {
        [key: string]: unknown;
      };
      /** @description SHA-256(prevHash || canonical JSON of the event), hex */
      hash: string;
      /** @description Why the row is not verified */
      integrityProblem: string | null;
      /** @description Hash of the previous event (hex) */
      prevHash: string;
      /** @description Position in the chain, from 1, without gaps */
      seq: number;
      subject: string | null;
      /** @description False when this row fails verification: its chain hash, its Merkle leaf, or at or after the first bad event of the latest verification */
      verified: boolean;
    };
    AuditEventPageDto: {
      items: components['schemas']['AuditEventDto'][];
      /** @description Pass as `after` for the next page; null at the end */
      nextCursor: number | null;
    };
    ChainVerificationDto: {
      /** @description Events that verified, in order from seq 1 */
      checkedEvents: number;
      /** @description Signed checkpoints checked (database, checkpoint file, the one given) */
      checkpointsChecked: number;
      /** @description The first bad leaf of the Merkle log (event seq − 1); null when valid */
      firstBadIndex: number | null;
      /** @description The first altered, missing or misplaced event; null when valid */
      firstInvalidSeq: number | null;
      /** @description Hash of the chain head the check ran up to */
      headHash: string;
      headSeq: number;
      /** @description The latest signed checkpoint (C2SP tlog-checkpoint note): save it outside */
      latestCheckpoint: string | null;
      latestCheckpointSize: number | null;
      problems: components['schemas']['LogProblemDto'][];
      reason: string | null;
      valid: boolean;
    };
    ChangePasswordDto: {
      /** Format: password */
      currentPassword: string;
      /**
       * Format: password
       * @description 12–128 characters; not the username, the current or one-time password, nor a common password
       */
      newPassword: string;
    };
    ChangePasswordResponseDto: {
      /** @example true */
      changed: boolean;
      /** @description Sessions ended by the change, this one included: log in again */
      revokedSessions: number;
    };
    CreateOperatorDto: {
      /** @enum {string} */
      role: 'admin' | 'auditor';
      /**
       * @description 3–64 characters of a-z 0-9 . _ - (stored in lower case)
       * @example audrey
       */
      username: string;
    };
    CurrentOperatorDto: {
      /**
       * Format: date-time
       * @description End of the session at the latest
       */
      expiresAt: string;
      /** @enum {string} */
      role: 'admin' | 'auditor';
      /** @enum {string} */
      session: 'bearer' | 'cookie';
      /** @example admin */
      username: string;
    };
    DayCountDto: {
      /** @example 17 */
      count: number;
      /**
       * @description UTC day, YYYY-MM-DD
       * @example 2026-05-04
       */
      day: string;
    };
    ErrorDetailDto: {
      /** @description Stable error code (see each answer for its codes) */
      code: string;
      /** @description What went wrong, for people */
      message: string;
      /** @description With `too_many_attempts`: seconds to wait (also in the Retry-After header) */
      retryAfterSeconds?: number;
    };
    ErrorResponseDto: {
      error: components['schemas']['ErrorDetailDto'];
    };
    IntegrityStatusDto: {
      /** @description The latest `audit.verified` event, or null if the trail was never verified */
      lastVerification: components['schemas']['LastVerificationDto'] | null;
    };
    KeyCertificateDto: {
      /** Format: date-time */
      notAfter: string;
      /** Format: date-time */
      notBefore: string;
      /**
       * Format: date-time
       * @description When the certificate was revoked (on the CRL from then on); null while valid
       */
      revokedAt: string | null;
      /** @description Serial number, lowercase hex (128 random bits) */
      serial: string;
      /** @example O=Example Org, CN=Alice Martin */
      subject: string;
    };
    KeyDeletionDto: {
      /** @description The deletion was made by the key's owner or by an operator */
      actorAuthorized: boolean;
      /** Format: date-time */
      allowedAt: string | null;
      /** @description The operator who allowed it */
      allowedBy: string | null;
      /** @description Seq of that audit event */
      allowedSeq: number | null;
      /** @description The key record exists, belongs to that user and is marked deleted, as the event says */
      consistent: boolean;
      /**
       * Format: date-time
       * @description When the key was deleted
       */
      deletedAt: string;
      /** @description Who deleted it (the audit actor) */
      deletedBy: string;
      /** @enum {string} */
      deletedByType: 'user' | 'operator' | 'system';
      /** @description Hex SHA-256 of the deleted public key */
      fingerprint: string;
      integrityProblem: string | null;
      /** Format: uuid */
      keyId: string;
      /** @description Whether an admin allowed a new key pair after this deletion */
      newKeyAllowed: boolean;
      /**
       * Format: date-time
       * @description `key_pairs.deleted_at` of the key record (null if the record is not deleted)
       */
      recordDeletedAt: string | null;
      /** @description Seq of the `key.deleted` audit event */
      seq: number;
      /** @description Whose key it was */
      username: string;
      /** @description False when the `key.deleted` event fails verification (see AuditEventDto) */
      verified: boolean;
    };
    KeyDeletionPageDto: {
      /** @description From the audit trail (`key.deleted`), newest first */
      items: components['schemas']['KeyDeletionDto'][];
      limit: number;
      offset: number;
      /** @description Number of all items that match the filters */
      total: number;
      /** @description Key records marked deleted that have no `key.deleted` event (at most 100). Always empty unless the database was changed behind the service. */
      unrecorded: components['schemas']['UnrecordedDeletionDto'][];
    };
    KeyDto: {
      /** @example ecdsa-p256 */
      algorithm: string;
      /** @description The key pair’s certificate; null for key pairs made before the DSS CA */
      certificate: components['schemas']['KeyCertificateDto'] | null;
      /** Format: date-time */
      createdAt: string;
      /**
       * Format: date-time
       * @description When the key pair was deleted (for a pending deletion: when it was requested)
       */
      deletedAt: string | null;
      /**
       * Format: date-time
       * @description When a pending deletion destroys the key pair (DSS_KEY_DELETION_GRACE); null otherwise
       */
      deletionDueAt: string | null;
      /** @description Hex SHA-256 of the public key (kept after deletion) */
      fingerprint: string;
      /** @description Id of the master key wrapping the private key; null once deleted */
      kekId: string | null;
      /** Format: uuid */
      keyId: string;
      /**
       * Format: date-time
       * @description When a rotation retired the key pair; null otherwise
       */
      retiredAt: string | null;
      /** @enum {string} */
      status: 'active' | 'retired' | 'pending_deletion' | 'deleted';
      /** @example alice */
      username: string;
    };
    KeyPageDto: {
      items: components['schemas']['KeyDto'][];
      limit: number;
      offset: number;
      /** @description Number of all items that match the filters */
      total: number;
    };
    LastVerificationDto: {
      /** Format: date-time */
      at: string;
      by: string;
      firstInvalidSeq: number | null;
      valid: boolean;
    };
    LogProblemDto: {
      firstBadIndex: number | null;
      label: string;
      reason: string;
      size: number | null;
      /** @enum {string} */
      source: 'database' | 'file' | 'given' | 'tree' | 'chain';
    };
    LoginDto: {
      /**
       * Format: password
       * @example a-long-and-unusual-passphrase
       */
      password: string;
      /**
       * @description `bearer` (default): the token is in the answer, for scripts and this page. `cookie`: for browsers; sets the HttpOnly `dss_admin_session` cookie and the readable `dss_csrf` cookie, and the answer carries no `accessToken`.
       * @default bearer
       * @enum {string}
       */
      session: 'bearer' | 'cookie';
      /** @example admin */
      username: string;
    };
    LoginResponseDto: {
      /** @description Bearer logins only: send as `Authorization: Bearer <accessToken>` */
      accessToken?: string;
      /** @description Cookie logins only: the value of the `dss_csrf` cookie, to send as `X-CSRF-Token` with every write */
      csrfToken?: string;
      /** Format: date-time */
      expiresAt: string;
      /** @description Seconds until the session ends at the latest */
      expiresIn: number;
      /** @description The session ends after this many idle seconds */
      idleTimeoutSeconds: number;
      /** @description True: every call but POST /api/auth/password and /api/auth/logout answers 403 */
      mustChangePassword: boolean;
      /** @enum {string} */
      role: 'admin' | 'auditor';
      /** @enum {string} */
      session: 'bearer' | 'cookie';
      /**
       * @description Bearer logins only
       * @enum {string}
       */
      tokenType?: 'Bearer';
      /** @example admin */
      username: string;
    };
    LogoutResponseDto: {
      /** @example true */
      loggedOut: boolean;
    };
    OperatorChangeDto: {
      /** @description False when it already was so */
      changed: boolean;
      operator: components['schemas']['OperatorDto'];
      /** @description Sessions of the operator this change ended */
      revokedSessions: number;
    };
    OperatorCredentialDto: {
      /** @enum {string} */
      role: 'admin' | 'auditor';
      /**
       * @description One-time password (130 random bits), shown only in this answer; the operator must change it at first login
       * @example 7K2M-Q9XD-4JTR-W8PB-3HNVC-6YFGA
       */
      temporaryPassword: string;
      /**
       * Format: date-time
       * @description When the one-time password stops working (`DSS_TEMP_PASSWORD_TTL_HOURS`)
       */
      temporaryPasswordExpiresAt: string;
      /** @example audrey */
      username: string;
    };
    OperatorDto: {
      /** Format: date-time */
      createdAt: string;
      disabled: boolean;
      /** @description Consecutive failed logins */
      failedLogins: number;
      /** Format: date-time */
      lastLoginAt: string | null;
      /**
       * Format: date-time
       * @description End of the current lockout, else null
       */
      lockedUntil: string | null;
      mustChangePassword: boolean;
      /** @enum {string} */
      role: 'admin' | 'auditor';
      /** @enum {string} */
      status: 'active' | 'must_change_password' | 'locked' | 'disabled';
      /** Format: date-time */
      updatedAt: string;
      /** @example audrey */
      username: string;
    };
    OperatorPageDto: {
      items: components['schemas']['OperatorDto'][];
      limit: number;
      offset: number;
      /** @description Number of all items that match the filters */
      total: number;
    };
    OverviewDto: {
      /**
       * @description Key pairs not deleted
       * @example 40
       */
      activeKeys: number;
      /** @description `key.deleted` events in the last 30 days */
      deletionsLast30d: number;
      /**
       * @description `signature.issued` events in the last 24 hours
       * @example 120
       */
      signaturesLast24h: number;
      /** @description Signatures per UTC day for the last 14 days, oldest first, today last */
      signaturesPerDay: components['schemas']['DayCountDto'][];
      usersByStatus: components['schemas']['UsersByStatusDto'];
    };
    PendingDeletionDto: {
      /**
       * Format: date-time
       * @description When the key material is destroyed unless cancelled
       */
      dueAt: string;
      fingerprint: string;
      /** Format: uuid */
      keyId: string;
      /**
       * Format: date-time
       * @description When DeleteKeys was called
       */
      requestedAt: string;
      /** @example alice */
      username: string;
    };
    PendingDeletionListDto: {
      items: components['schemas']['PendingDeletionDto'][];
    };
    RegisterUserDto: {
      /**
       * @description E-mail address in the subjectAltName of the user's certificates
       * @example alice@example.org
       */
      email?: string;
      /**
       * @description Full name: the CN of the user's certificates (else the username)
       * @example Alice Martin
       */
      fullName?: string;
      /**
       * @description 3–64 characters of a-z 0-9 . _ - (stored in lower case)
       * @example alice
       */
      username: string;
    };
    SignInStatusDto: {
      /**
       * @description True while the first-start `admin` has never signed in with its bootstrap password (the sign-in page then says where that password is)
       * @example true
       */
      bootstrapAdminPending: boolean;
    };
    TemporaryPasswordDto: {
      /**
       * @description One-time password (130 random bits), shown only in this answer; give it to the user over a trusted channel
       * @example 7K2M-Q9XD-4JTR-W8PB-3HNVC-6YFGA
       */
      temporaryPassword: string;
      /** Format: date-time */
      temporaryPasswordExpiresAt: string;
      /** @example alice */
      username: string;
    };
    UnrecordedDeletionDto: {
      /** Format: date-time */
      deletedAt: string | null;
      fingerprint: string;
      /** Format: uuid */
      keyId: string;
      username: string;
    };
    UserChangeDto: {
      /** @description False when it already was so */
      changed: boolean;
      user: components['schemas']['UserDetailDto'];
    };
    UserDetailDto: {
      activeKey: components['schemas']['ActiveKeyDto'] | null;
      /** Format: date-time */
      createdAt: string;
      /** @description Key pairs the user deleted so far */
      deletedKeys: number;
      disabled: boolean;
      /** @description Consecutive failed logins */
      failedLogins: number;
      /** @description True after DeleteKeys until an admin allows a new key pair */
      keyCreationBlocked: boolean;
      /**
       * @description `deleted`: the pair was deleted and a new one is blocked
       * @enum {string}
       */
      keyStatus: 'none' | 'active' | 'deleted';
      /**
       * Format: date-time
       * @description End of the current lockout, else null
       */
      lockedUntil: string | null;
      mustChangePassword: boolean;
      /**
       * @description In order of precedence: disabled, locked, must_change_password, active
       * @enum {string}
       */
      status: 'active' | 'must_change_password' | 'locked' | 'disabled';
      /**
       * Format: date-time
       * @description Expiry of the temporary password while the user still holds it
       */
      temporaryPasswordExpiresAt: string | null;
      /** Format: date-time */
      updatedAt: string;
      /** @example alice */
      username: string;
    };
    UserDto: {
      /** Format: date-time */
      createdAt: string;
      disabled: boolean;
      /** @description Consecutive failed logins */
      failedLogins: number;
      /** @description True after DeleteKeys until an admin allows a new key pair */
      keyCreationBlocked: boolean;
      /**
       * @description `deleted`: the pair was deleted and a new one is blocked
       * @enum {string}
       */
      keyStatus: 'none' | 'active' | 'deleted';
      /**
       * Format: date-time
       * @description End of the current lockout, else null
       */
      lockedUntil: string | null;
      mustChangePassword: boolean;
      /**
       * @description In order of precedence: disabled, locked, must_change_password, active
       * @enum {string}
       */
      status: 'active' | 'must_change_password' | 'locked' | 'disabled';
      /**
       * Format: date-time
       * @description Expiry of the temporary password while the user still holds it
       */
      temporaryPasswordExpiresAt: string | null;
      /** Format: date-time */
      updatedAt: string;
      /** @example alice */
      username: string;
    };
    UserPageDto: {
      items: components['schemas']['UserDto'][];
      limit: number;
      offset: number;
      /** @description Number of all items that match the filters */
      total: number;
    };
    UsersByStatusDto: {
      /** @example 42 */
      active: number;
      /** @example 1 */
      disabled: number;
      /** @example 0 */
      locked: number;
      /** @example 3 */
      must_change_password: number;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
  ApprovalsController_list: {
    parameters: {
      query?: {
        /** @description `pending` leaves out requests older than 24 h (they read as `expired`) */
        status?: 'pending' | 'approved' | 'rejected' | 'expired';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalListDto'];
        };
      };
      /** @description Bad request: `invalid_request` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  ApprovalsController_approve: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalOutcomeDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `self_approval`, `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Conflict: `not_pending`, `conflict` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  ApprovalsController_reject: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Conflict: `not_pending` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuditController_events: {
    parameters: {
      query?: {
        /** @description Only events at or after this instant (ISO 8601) */
        from?: string;
        /** @description Only events at or before this instant (ISO 8601) */
        to?: string;
        action?:
          | 'user.registered'
          | 'user.password_reset'
          | 'user.disabled'
          | 'user.enabled'
          | 'user.key_creation_allowed'
          | 'user.listed'
          | 'user.unlocked'
          | 'auth.login_succeeded'
          | 'auth.login_failed'
          | 'auth.account_locked'
          | 'auth.password_changed'
          | 'auth.logout'
          | 'key.created'
          | 'key.deleted'
          | 'key.rotated'
          | 'key.deletion_scheduled'
          | 'key.deletion_cancelled'
          | 'approval.requested'
          | 'approval.approved'
          | 'approval.rejected'
          | 'signature.issued'
          | 'pki.ca_created'
          | 'pki.ca_certificate_imported'
          | 'pki.certificate_issued'
          | 'pki.certificate_revoked'
          | 'pki.crl_issued'
          | 'pki.timestamp_issued'
          | 'keystore.master_key_rotated'
          | 'keystore.keys_rewrapped'
          | 'keystore.status_read'
          | 'operator.created'
          | 'operator.login_succeeded'
          | 'operator.login_failed'
          | 'operator.locked'
          | 'operator.password_changed'
          | 'operator.logout'
          | 'operator.password_reset'
          | 'operator.disabled'
          | 'operator.enabled'
          | 'operator.listed'
          | 'operator.unlocked'
          | 'audit.read'
          | 'audit.exported'
          | 'audit.verified';
        /** @description Who did it: a username, an operator, `cli:<login>` or a system component */
        actor?: string;
        actorType?: 'user' | 'operator' | 'system';
        /** @description What it was done to: a username, an operator or a key id */
        subject?: string;
        /** @description Cursor: the `nextCursor` of the previous page (a seq; exclusive) */
        after?: number;
        limit?: number;
        /** @description `asc`: oldest first; `desc`: newest first (the cursor then moves backwards) */
        order?: 'asc' | 'desc';
        /** @description Include the calling operator's own `audit.read` events (recorded always, hidden by default) */
        includeOwnReads?: boolean;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuditEventPageDto'];
        };
      };
      /** @description Bad request: `invalid_request` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuditController_export: {
    parameters: {
      query?: {
        format?: 'ndjson' | 'csv';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The trail */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/x-ndjson': string;
          'text/csv': string;
        };
      };
      /** @description Bad request: `invalid_request` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuditController_integrity: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['IntegrityStatusDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuditController_keyDeletions: {
    parameters: {
      query?: {
        offset?: number;
        limit?: number;
        /** @description Only this user’s deletions */
        username?: string;
        keyId?: string;
        /** @description Deleted at or after */
        from?: string;
        /** @description Deleted at or before */
        to?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['KeyDeletionPageDto'];
        };
      };
      /** @description Bad request: `invalid_request` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuditController_verify: {
    parameters: {
      query?: {
        /** @description One or more signed checkpoints saved earlier (the text of `GET /v1/log/checkpoint` or of the checkpoint file); the trail must be consistent with each */
        checkpoint?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChainVerificationDto'];
        };
      };
      /** @description Bad request: `invalid_request`, `invalid_checkpoint` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuthController_login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LoginDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LoginResponseDto'];
        };
      };
      /** @description Bad request: `invalid_request` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `invalid_credentials` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Too many attempts: `too_many_attempts` */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuthController_logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LogoutResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuthController_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CurrentOperatorDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuthController_changePassword: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ChangePasswordDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChangePasswordResponseDto'];
        };
      };
      /** @description Bad request: `invalid_request` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `invalid_credentials`, `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Unprocessable: `weak_password` */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Too many attempts: `too_many_attempts` */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  AuthController_signInStatus: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SignInStatusDto'];
        };
      };
    };
  };
  KeysController_list: {
    parameters: {
      query?: {
        offset?: number;
        limit?: number;
        /** @description Only this user’s key pairs */
        username?: string;
        status?: 'active' | 'retired' | 'pending_deletion' | 'deleted';
        /** @description Hex SHA-256 fingerprint of the public key, or a prefix of it (at least 4) */
        fingerprint?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['KeyPageDto'];
        };
      };
      /** @description Bad request: `invalid_request` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  KeysController_pendingDeletions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PendingDeletionListDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  KeysController_cancelDeletion: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PendingDeletionDto'];
        };
      };
      /** @description DSS_DUAL_CONTROL=true: a pending approval request */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Conflict: `conflict` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  OperatorsController_list: {
    parameters: {
      query?: {
        offset?: number;
        limit?: number;
        role?: 'admin' | 'auditor';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OperatorPageDto'];
        };
      };
      /** @description Bad request: `invalid_request` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  OperatorsController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateOperatorDto'];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OperatorCredentialDto'];
        };
      };
      /** @description Bad request: `invalid_request`, `invalid_username` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Conflict: `conflict` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  OperatorsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OperatorDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  OperatorsController_disable: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OperatorChangeDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Conflict: `conflict` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  OperatorsController_enable: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OperatorChangeDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  OperatorsController_resetPassword: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OperatorCredentialDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  OperatorsController_unlock: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OperatorChangeDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  StatsController_overview: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OverviewDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  UsersController_list: {
    parameters: {
      query?: {
        offset?: number;
        limit?: number;
        /** @description Part of the username (case-insensitive) */
        search?: string;
        status?: 'active' | 'must_change_password' | 'locked' | 'disabled';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserPageDto'];
        };
      };
      /** @description Bad request: `invalid_request` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  UsersController_register: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RegisterUserDto'];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TemporaryPasswordDto'];
        };
      };
      /** @description Bad request: `invalid_request`, `invalid_username` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Conflict: `user_exists` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  UsersController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserDetailDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  UsersController_allowNewKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserChangeDto'];
        };
      };
      /** @description DSS_DUAL_CONTROL=true: a pending approval request */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  UsersController_disable: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserChangeDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  UsersController_enable: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserChangeDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  UsersController_resetPassword: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TemporaryPasswordDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
  UsersController_unlock: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        username: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserChangeDto'];
        };
      };
      /** @description Not authenticated: `not_authenticated` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Forbidden: `forbidden`, `password_change_required`, `csrf_failed` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
      /** @description Not found: `not_found` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponseDto'];
        };
      };
    };
  };
}
