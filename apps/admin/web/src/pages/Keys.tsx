import { type FormEvent, useState } from 'react';
import { type Approval, KEY_STATUSES } from '../api/types';
import { KeyTable } from '../components/KeyTable';
import { ErrorMessage, Loading } from '../components/Feedback';
import { OffsetPager } from '../components/Pager';
import { SearchField } from '../components/SearchField';
import { useApp } from '../context';
import { fieldText } from '../forms';
import { useLoad, useTitle } from '../hooks';
import {
  KEY_FILTER_KEYS,
  type KeyFilters,
  keyQuery,
  readFilters,
  writeFilters,
} from '../lib/filters';
import { formatDateTime, keyStatusLabel } from '../lib/format';
import { offsetPageInfo, offsetPageLabel } from '../lib/paging';
import { canWrite } from '../lib/routes';
import { navigate } from '../router';

export function Keys({ search }: { search: string }) {
  useTitle('Keys');
  const { api } = useApp();
  const filters = readFilters(search, KEY_FILTER_KEYS);
  const page = useLoad(() => api.listKeys(keyQuery(filters)), search);
  const go = (next: Partial<KeyFilters>): void =>
    navigate(`/keys${writeFilters({ ...filters, offset: '', ...next })}`);
  const data = page.data;
  const info = data ? offsetPageInfo(data.total, data.offset, data.limit, data.items.length) : null;

  return (
    <>
      <h1>Keys</h1>
      <p className="lead">
        Every key pair DSS has held, newest first. Fingerprints are the SHA-256 of the public key;
        they stay after a deletion so the audit trail can be matched. No key material is ever shown.
      </p>
      <form
        className="filters"
        role="search"
        aria-label="Filter keys"
        onSubmit={(event: FormEvent<HTMLFormElement>) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          go({
            username: fieldText(form, 'username'),
            status: fieldText(form, 'status'),
          });
        }}
      >
        <div className="field">
          <label htmlFor="key-status">Status</label>
          <select
            id="key-status"
            name="status"
            value={filters.status}
            onChange={(e) => go({ status: e.target.value })}
          >
            <option value="">Active and deleted</option>
            {KEY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {keyStatusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <SearchField id="key-username" name="username" label="User" value={filters.username} />
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Filter
          </button>
          {(filters.username || filters.status) && (
            <button type="button" className="button" onClick={() => navigate('/keys')}>
              Clear
            </button>
          )}
        </div>
      </form>

      <PendingApprovals />

      <ErrorMessage error={page.error} />
      {!data && !page.error && <Loading />}
      {data && info && (
        <>
          <KeyTable
            keys={data.items}
            busy={page.loading}
            caption={`Key pairs, ${offsetPageLabel(info, data.total)}`}
            empty="No key pairs match these filters."
            showUser
          />
          <OffsetPager
            label="Keys"
            info={info}
            total={data.total}
            onOffset={(offset) => go({ offset })}
          />
        </>
      )}
    </>
  );
}

const APPROVAL_KINDS: Record<Approval['kind'], string> = {
  cancel_deletion: 'Cancel key deletion',
  allow_new_key: 'Allow a new key pair',
};

/**
 * Dual control (DSS_DUAL_CONTROL): requests waiting for a second administrator. Admins see
 * Approve / Reject on other administrators' requests; auditors only read. Hidden when none wait.
 */
function PendingApprovals() {
  const { api, session } = useApp();
  const [round, setRound] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);
  const pending = useLoad(() => api.listPendingApprovals(), String(round));
  const items = pending.data?.items ?? [];
  if (items.length === 0 && pending.error === undefined && failure === undefined) return null;
  const writer = canWrite(session.role);
  const decide = (work: () => Promise<unknown>): void => {
    setBusy(true);
    setFailure(undefined);
    work().then(
      () => {
        setBusy(false);
        setRound((r) => r + 1);
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(error);
        setRound((r) => r + 1);
      },
    );
  };
  return (
    <section aria-labelledby="pending-approvals">
      <h2 id="pending-approvals">Pending approvals</h2>
      <p className="lead">
        Dual control: another administrator asked for these; a second one must approve.
      </p>
      <ErrorMessage error={pending.error ?? failure} />
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-busy={busy || pending.loading}>
            <caption className="visually-hidden">Pending approval requests</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Request</th>
                <th scope="col">Asked by</th>
                <th scope="col">Asked</th>
                <th scope="col">Expires</th>
                {writer && <th scope="col">Decision</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <th scope="row" data-label="User">
                    {a.username}
                  </th>
                  <td data-label="Request">{APPROVAL_KINDS[a.kind]}</td>
                  <td data-label="Asked by">{a.requestedBy}</td>
                  <td data-label="Asked">{formatDateTime(a.requestedAt)}</td>
                  <td data-label="Expires">{formatDateTime(a.expiresAt)}</td>
                  {writer && (
                    <td data-label="Decision">
                      {a.requestedBy === session.username ? (
                        <span className="cell-note">your request: another admin decides</span>
                      ) : (
                        <>
                          <button
                            type="button"
                            className="button button-primary"
                            disabled={busy}
                            onClick={() => decide(() => api.approve(a.id))}
                          >
                            Approve
                          </button>{' '}
                          <button
                            type="button"
                            className="button"
                            disabled={busy}
                            onClick={() => decide(() => api.reject(a.id))}
                          >
                            Reject
                          </button>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
