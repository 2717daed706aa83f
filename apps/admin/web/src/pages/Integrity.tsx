import { useState } from 'react';
import { type AuditVerification } from '../api/types';
import { ErrorMessage } from '../components/Feedback';
import { useApp } from '../context';
import { useTitle } from '../hooks';
import { formatCount } from '../lib/format';

/** Runs the hash-chain verification on demand and shows its result. */
export function Integrity() {
  useTitle('Integrity');
  const { api } = useApp();
  const [result, setResult] = useState<{ at: Date; verification: AuditVerification }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const verify = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      setResult({ at: new Date(), verification: await api.verifyAudit() });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const v = result?.verification;
  return (
    <>
      <h1>Integrity</h1>
      <p className="lead">
        Each audit event carries the SHA-256 of the previous one. Verification recomputes every link
        from the first event to the head; any edited, deleted or inserted event breaks the chain at
        that point. The check itself is recorded in the trail.
      </p>
      <button
        type="button"
        className="button button-primary"
        disabled={busy}
        onClick={() => void verify()}
      >
        {busy ? 'Verifying…' : 'Verify the audit chain'}
      </button>
      <ErrorMessage error={error} />
      <div aria-live="polite">
        {v && result && (
          <section
            className={`result ${v.valid ? 'result-good' : 'result-bad'}`}
            aria-labelledby="result-heading"
          >
            <h2 id="result-heading">
              {v.valid ? '✓ The audit trail is intact' : '✗ The audit trail is broken'}
            </h2>
            <dl className="facts">
              <div>
                <dt>Events checked</dt>
                <dd>{formatCount(v.checkedEvents)}</dd>
              </div>
              <div>
                <dt>Head</dt>
                <dd>event #{v.headSeq}</dd>
              </div>
              <div className="wide">
                <dt>Head hash</dt>
                <dd>
                  <code className="hash">{v.headHash}</code>
                </dd>
              </div>
              {!v.valid && (
                <div className="wide">
                  <dt>First broken event</dt>
                  <dd>
                    {v.firstInvalidSeq !== null ? (
                      <>
                        event #{v.firstInvalidSeq}
                        {v.reason ? ` — ${v.reason}` : ''}
                      </>
                    ) : (
                      (v.reason ?? 'unknown')
                    )}
                  </dd>
                </div>
              )}
              <div>
                <dt>Checked at</dt>
                <dd>{result.at.toISOString().replace('T', ' ').slice(0, 19)} UTC</dd>
              </div>
            </dl>
            {v.valid ? (
              <p className="muted">
                Keep the head hash somewhere the database administrators cannot write (a ticket, a
                signed e-mail): a later verification must still pass through it, which also catches
                a rewrite of the whole tail.
              </p>
            ) : (
              <p>
                Events from #{v.firstInvalidSeq ?? '?'} on cannot be trusted. Keep the database as
                it is, export the trail for the investigation, and compare with the head hashes you
                recorded earlier.
              </p>
            )}
          </section>
        )}
      </div>
    </>
  );
}
