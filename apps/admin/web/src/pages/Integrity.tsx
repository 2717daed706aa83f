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
  const [saved, setSaved] = useState('');

  const verify = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const checkpoint = saved.trim() === '' ? undefined : saved;
      setResult({ at: new Date(), verification: await api.verifyAudit(checkpoint) });
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
        The audit trail is a transparency log: a Merkle tree over every event, whose head is signed
        (a checkpoint) every second it grows and appended to a file outside the database.
        Verification recomputes the hash chain and the tree and checks them against every signed
        checkpoint; a checkpoint saved elsewhere is one the database administrators cannot rewrite.
        The check itself is recorded in the trail.
      </p>
      <div className="field">
        <label htmlFor="saved-checkpoint">A checkpoint you saved earlier (optional)</label>
        <textarea
          id="saved-checkpoint"
          rows={5}
          spellCheck={false}
          className="checkpoint"
          value={saved}
          onChange={(e) => setSaved(e.target.value)}
        />
      </div>
      <button
        type="button"
        className="button button-primary"
        disabled={busy}
        onClick={() => void verify()}
      >
        {busy ? 'Verifying…' : 'Verify the audit chain'}
      </button>
      <ErrorMessage error={error} />
      <div aria-live="polite">{v && result && <VerificationResult v={v} at={result.at} />}</div>
    </>
  );
}

/** The outcome of one verification, and what to do next. */
function VerificationResult({ v, at }: { v: AuditVerification; at: Date }) {
  return (
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
          <dt>Signed checkpoints checked</dt>
          <dd>{formatCount(v.checkpointsChecked)}</dd>
        </div>
        {v.problems.length > 0 && (
          <div className="wide">
            <dt>Problems</dt>
            <dd>
              <ul>
                {v.problems.map((p, i) => (
                  <li key={i}>
                    {p.label}: {p.reason}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
        {v.latestCheckpoint && (
          <div className="wide">
            <dt>Latest checkpoint (size {v.latestCheckpointSize})</dt>
            <dd>
              <pre className="checkpoint" data-testid="latest-checkpoint">
                {v.latestCheckpoint}
              </pre>
            </dd>
          </div>
        )}
        <div>
          <dt>Checked at</dt>
          <dd>{at.toISOString().replace('T', ' ').slice(0, 19)} UTC</dd>
        </div>
      </dl>
      {v.valid ? (
        <p className="muted">
          Save the latest checkpoint somewhere the database administrators cannot write (a ticket, a
          signed e-mail) and paste it here next time: the trail must still extend it, which catches
          any removal or rewrite since.
        </p>
      ) : (
        <p>
          Events from #{v.firstInvalidSeq ?? '?'} on cannot be trusted. Keep the database as it is,
          export the trail for the investigation, and check the export against the checkpoints saved
          elsewhere (`dss-admin audit verify-export`).
        </p>
      )}
    </section>
  );
}
