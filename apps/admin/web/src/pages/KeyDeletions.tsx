import { type FormEvent, useState } from 'react';
import { type KeyDeletion } from '../api/types';
import { DateRange } from '../components/DateRange';
import { ErrorMessage, Loading, Notice } from '../components/Feedback';
import { Badge } from '../components/Badge';
import { columnHeads, DataTable } from '../components/DataTable';
import { OffsetPager } from '../components/Pager';
import { SearchField } from '../components/SearchField';
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
import { offsetPageInfo } from '../lib/paging';
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
      <DeletionFilterForm search={search} filters={filters} onSubmit={apply} />
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
          <DataTable
            caption="Key deletions, newest first"
            busy={page.loading}
            columns={columnHeads(['Deleted', 'User', 'Key', 'Deleted by', 'New key', 'Record'])}
            empty={data.items.length === 0 ? 'No key deletions match these filters.' : null}
          >
            {data.items.map((d) => (
              <DeletionRow key={d.seq} d={d} />
            ))}
          </DataTable>
          <OffsetPager
            label="Key deletions"
            info={info}
            total={data.total}
            onOffset={(offset) => go({ offset })}
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

function DeletionFilterForm({
  search,
  filters,
  onSubmit,
}: {
  search: string;
  filters: DeletionFilters;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}) {
  return (
    <form
      key={search}
      className="filters"
      role="search"
      aria-label="Filter key deletions"
      onSubmit={onSubmit}
    >
      <SearchField id="deletion-username" name="username" label="User" value={filters.username} />
      <DateRange idPrefix="deletion" from={filters.from} to={filters.to} />
      <div className="filter-actions">
        <button type="submit" className="button button-primary">
          Filter
        </button>
        {search && (
          <button type="button" className="button" onClick={() => navigate('/audit/key-deletions')}>
            Clear
          </button>
        )}
      </div>
    </form>
  );
}

/** One `key.deleted` event and how it checks against the key record. */
function DeletionRow({ d }: { d: KeyDeletion }) {
  return (
    <tr>
      <td data-label="Deleted" className="nowrap">
        {formatDateTime(d.deletedAt, true)}
        <span className="cell-note">event #{d.seq}</span>
      </td>
      <th scope="row" data-label="User">
        {d.username}
      </th>
      <td data-label="Key">
        <code className="key-id">{d.keyId}</code>
        <code className="fingerprint cell-note">{formatFingerprint(d.fingerprint)}</code>
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
  );
}
