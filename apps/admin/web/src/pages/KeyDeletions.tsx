import { type FormEvent, useState } from 'react';
import { DateRange } from '../components/DateRange';
import { ErrorMessage, Loading, Notice } from '../components/Feedback';
import { Badge } from '../components/Badge';
import { Pager } from '../components/Pager';
import { useApp } from '../context';
import { fieldText } from '../forms';
import { useLoad, useTitle } from '../hooks';
import {
  auditFilterProblem,
  DELETION_FILTER_KEYS,
  type DeletionFilters,
  deletionQuery,
  readFilters,
  writeFilters,
} from '../lib/filters';
import { formatDateTime, formatFingerprint } from '../lib/format';
import { offsetPageInfo, offsetPageLabel } from '../lib/paging';
import { navigate } from '../router';

export function KeyDeletions({ search }: { search: string }) {
  useTitle('Key deletions');
  const { api } = useApp();
  const filters = readFilters(search, DELETION_FILTER_KEYS);
  const [formError, setFormError] = useState<string>();
  const page = useLoad(() => api.listKeyDeletions(deletionQuery(filters)), search);
  const go = (next: Partial<DeletionFilters>): void =>
    navigate(`/audit/key-deletions${writeFilters({ ...filters, offset: '', ...next })}`);

  const apply = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = {
      username: fieldText(form, 'username'),
      from: fieldText(form, 'from'),
      to: fieldText(form, 'to'),
    };
    const error = auditFilterProblem({ user: '', operator: '', ...next });
    setFormError(error);
    if (!error) go(next);
  };

  const data = page.data;
  const info = data ? offsetPageInfo(data.total, data.offset, data.limit, data.items.length) : null;
  return (
    <>
      <h1>Key deletions</h1>
      <p className="lead">
        Who deleted which key pair and when, from the audit trail, checked against the key records —
        and whether an administrator has since allowed a new key pair.
      </p>
      <form
        key={search}
        className="filters"
        role="search"
        aria-label="Filter key deletions"
        onSubmit={apply}
      >
        <div className="field">
          <label htmlFor="deletion-username">User</label>
          <input
            id="deletion-username"
            name="username"
            type="search"
            autoComplete="off"
            spellCheck={false}
            defaultValue={filters.username}
          />
        </div>
        <DateRange idPrefix="deletion" from={filters.from} to={filters.to} />
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Filter
          </button>
          {search && (
            <button
              type="button"
              className="button"
              onClick={() => navigate('/audit/key-deletions')}
            >
              Clear
            </button>
          )}
        </div>
      </form>
      <ErrorMessage>{formError}</ErrorMessage>
      <ErrorMessage error={page.error} />
      {!data && !page.error && <Loading />}
      {data && info && (
        <>
          {data.unrecorded.length > 0 && (
            <ErrorMessage>
              {data.unrecorded.length} key record(s) are marked deleted without a deletion event in
              the audit trail ({data.unrecorded.map((u) => `${u.username}: ${u.keyId}`).join('; ')}
              ). The database was changed behind the service: investigate, and run the Integrity
              check.
            </ErrorMessage>
          )}
          <div className="table-wrap">
            <table className="table" aria-busy={page.loading}>
              <caption className="visually-hidden">Key deletions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Deleted</th>
                  <th scope="col">User</th>
                  <th scope="col">Key</th>
                  <th scope="col">Deleted by</th>
                  <th scope="col">New key</th>
                  <th scope="col">Record</th>
                </tr>
              </thead>
              <tbody>
                {data.items.length === 0 && (
                  <tr>
                    <td colSpan={6} className="empty">
                      No key deletions match these filters.
                    </td>
                  </tr>
                )}
                {data.items.map((d) => (
                  <tr key={d.seq}>
                    <td data-label="Deleted" className="nowrap">
                      {formatDateTime(d.deletedAt, true)}
                      <span className="cell-note">event #{d.seq}</span>
                    </td>
                    <th scope="row" data-label="User">
                      {d.username}
                    </th>
                    <td data-label="Key">
                      <code className="key-id">{d.keyId}</code>
                      <code className="fingerprint cell-note">
                        {formatFingerprint(d.fingerprint)}
                      </code>
                    </td>
                    <td data-label="Deleted by">
                      {d.deletedBy} <span className="muted">({d.deletedByType})</span>
                    </td>
                    <td data-label="New key">
                      {d.newKeyAllowed ? (
                        <>
                          Allowed by {d.allowedBy}
                          <span className="cell-note">{formatDateTime(d.allowedAt)}</span>
                        </>
                      ) : (
                        <span className="muted">Not allowed</span>
                      )}
                    </td>
                    <td data-label="Record">
                      {!d.verified ? (
                        <>
                          <Badge tone="bad">Fails verification</Badge>
                          <span className="cell-note">{d.integrityProblem}</span>
                        </>
                      ) : !d.actorAuthorized ? (
                        <Badge tone="bad">Deleted by someone else</Badge>
                      ) : d.consistent ? (
                        <Badge tone="good">Matches</Badge>
                      ) : (
                        <Badge tone="bad">Does not match</Badge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Key deletions"
            status={offsetPageLabel(info, data.total)}
            onPrevious={
              info.prevOffset === null
                ? undefined
                : () => go({ offset: info.prevOffset ? String(info.prevOffset) : '' })
            }
            onNext={
              info.nextOffset === null ? undefined : () => go({ offset: String(info.nextOffset) })
            }
          />
          {data.items.some((d) => !d.verified || !d.actorAuthorized) && (
            <Notice tone="warning">
              “Fails verification”: the event is not the one the signed log holds (or lies after the
              first bad event of the latest verification); do not trust it. “Deleted by someone
              else”: neither the key’s owner nor an operator deleted it.
            </Notice>
          )}
          {data.items.some((d) => !d.consistent) && (
            <Notice tone="warning">
              “Does not match”: the key record is missing, not marked deleted, or belongs to another
              user than the event says.
            </Notice>
          )}
        </>
      )}
    </>
  );
}
