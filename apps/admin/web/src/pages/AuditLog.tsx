import { type FormEvent, useState } from 'react';
import { type AuditEvent } from '../api/types';
import { Badge } from '../components/Badge';
import { DateRange } from '../components/DateRange';
import { ErrorMessage, Loading } from '../components/Feedback';
import { Link } from '../components/Link';
import { Pager } from '../components/Pager';
import { SearchField } from '../components/SearchField';
import { useApp } from '../context';
import { fieldText } from '../forms';
import { useLoad, useTitle } from '../hooks';
import { actionLabel, AUDIT_ACTION_GROUPS } from '../lib/audit-actions';
import {
  AUDIT_FILTER_KEYS,
  type AuditFilters,
  auditFilterProblem,
  auditQuery,
  readFilters,
  writeFilters,
} from '../lib/filters';
import { detailPairs, formatDateTime } from '../lib/format';
import { CursorTrail } from '../lib/paging';
import { navigate } from '../router';

const ACTOR_TYPE: Readonly<Record<string, string>> = {
  user: 'user',
  operator: 'operator',
  system: 'system',
};

export function AuditLog({ search }: { search: string }) {
  useTitle('Audit log');
  const { api } = useApp();
  const filters = readFilters(search, AUDIT_FILTER_KEYS);
  // The pages visited under these filters; new filters start again from the newest event.
  const [paging, setPaging] = useState({ search, trail: CursorTrail.start() });
  const trail = paging.search === search ? paging.trail : CursorTrail.start();
  const setTrail = (next: CursorTrail): void => setPaging({ search, trail: next });
  const [formError, setFormError] = useState<string>();
  // Bumped by Clear so the inputs drop what was typed but never applied.
  const [formRound, setFormRound] = useState(0);
  const clear = (): void => {
    setFormError(undefined);
    setFormRound((n) => n + 1);
    navigate('/audit');
  };
  const problem = auditFilterProblem(filters);
  const page = useLoad(
    () =>
      problem
        ? Promise.resolve({ items: [], nextCursor: null })
        : api.listAuditEvents(auditQuery(filters, trail.current)),
    `${search}#${trail.current ?? ''}`,
  );

  const apply = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = Object.fromEntries(
      AUDIT_FILTER_KEYS.map((key) => [key, fieldText(form, key)]),
    ) as AuditFilters;
    const error = auditFilterProblem(next);
    setFormError(error);
    if (!error) navigate(`/audit${writeFilters(next)}`);
  };

  const data = page.data;
  return (
    <>
      <h1>Audit log</h1>
      <p className="lead">
        Every recorded event, newest first. The trail is hash-chained: the{' '}
        <Link to="/audit/integrity">Integrity</Link> page checks that nothing was altered.
      </p>
      <AuditFilterForm
        formKey={`${search}#${formRound}`}
        filters={filters}
        onSubmit={apply}
        onClear={clear}
      />
      <ErrorMessage>{formError ?? problem}</ErrorMessage>

      <ExportLinks />

      <ErrorMessage error={page.error} />
      {!data && !page.error && <Loading />}
      {data && (
        <>
          <EventTable events={data.items} busy={page.loading} />
          <Pager
            label="Audit events"
            status={
              data.items.length === 0
                ? `Page ${trail.page}: no events`
                : `Page ${trail.page}: events #${data.items[0].seq}–#${data.items[data.items.length - 1].seq}`
            }
            onPrevious={trail.hasPrevious ? () => setTrail(trail.previous()) : undefined}
            onNext={
              data.nextCursor === null
                ? undefined
                : () => setTrail(trail.next(data.nextCursor as number))
            }
          />
        </>
      )}
    </>
  );
}

/** The filters of the audit log; the form is remounted (`formKey`) to drop unapplied input. */
function AuditFilterForm({
  formKey,
  filters,
  onSubmit,
  onClear,
}: {
  formKey: string;
  filters: AuditFilters;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  onClear: () => void;
}) {
  return (
    <form
      key={formKey}
      className="filters"
      role="search"
      aria-label="Filter audit events"
      onSubmit={onSubmit}
    >
      <div className="field">
        <label htmlFor="audit-action">Action</label>
        <select id="audit-action" name="action" defaultValue={filters.action}>
          <option value="">Any action</option>
          {AUDIT_ACTION_GROUPS.map((group) => (
            <optgroup key={group.label} label={group.label}>
              {group.actions.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <SearchField id="audit-user" name="user" label="User (who did it)" value={filters.user} />
      <SearchField
        id="audit-operator"
        name="operator"
        label="Operator (who did it)"
        value={filters.operator}
      />
      <SearchField
        id="audit-subject"
        name="subject"
        label="About (name or key id)"
        value={filters.subject}
      />
      <DateRange idPrefix="audit" from={filters.from} to={filters.to} />
      <div className="field field-check">
        <input
          id="audit-own-reads"
          name="ownReads"
          type="checkbox"
          value="yes"
          defaultChecked={filters.ownReads !== ''}
        />
        <label htmlFor="audit-own-reads">Show my own reads of the trail</label>
      </div>
      <div className="filter-actions">
        <button type="submit" className="button button-primary">
          Filter
        </button>
        <button type="button" className="button" onClick={onClear}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** Links that download the whole trail. */
function ExportLinks() {
  const { api } = useApp();
  return (
    <section className="export" aria-labelledby="export-heading">
      <h2 id="export-heading" className="h3">
        Export the whole trail
      </h2>
      <p className="muted small">
        Every event, oldest first. NDJSON keeps the hashes and can be verified again; CSV opens in a
        spreadsheet.
      </p>
      <div className="button-row">
        <a className="button" href={api.exportUrl('ndjson')} download>
          Download NDJSON
        </a>
        <a className="button" href={api.exportUrl('csv')} download>
          Download CSV
        </a>
      </div>
    </section>
  );
}

/** Audit events, newest first; also on a user's page. */
export function EventTable({
  events,
  busy,
  empty = 'No events match these filters.',
}: {
  events: AuditEvent[];
  busy: boolean;
  /** Said in the table when there are no events. */
  empty?: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={busy}>
        <caption className="visually-hidden">Audit events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Actor</th>
            <th scope="col">About</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                {empty}
              </td>
            </tr>
          )}
          {events.map((e) => (
            <tr key={e.seq} className={e.verified ? undefined : 'row-unverified'}>
              <td data-label="#" className="num">
                {e.seq}
                {!e.verified && (
                  <span className="cell-note">
                    <Badge tone="bad">Fails verification</Badge>
                    <span className="visually-hidden"> {e.integrityProblem}</span>
                  </span>
                )}
              </td>
              <td data-label="Time" className="nowrap">
                {formatDateTime(e.at, true)}
              </td>
              <th scope="row" data-label="Action">
                {actionLabel(e.action)}
                <span className="cell-note">
                  <code>{e.action}</code>
                </span>
              </th>
              <td data-label="Actor">
                {e.actor} <span className="muted">({ACTOR_TYPE[e.actorType] ?? e.actorType})</span>
              </td>
              <td data-label="About">
                {e.subject ? <code className="wrap">{e.subject}</code> : '—'}
              </td>
              <td data-label="Details">
                <Details details={e.details} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Details({ details }: { details: Record<string, unknown> }) {
  const pairs = detailPairs(details);
  if (pairs.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="details">
      {pairs.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
