/**
 * From / to days (UTC; both ends included), typed as ISO 8601 `YYYY-MM-DD`. Text inputs, not
 * `type="date"`: the browser's date picker shows the day in the viewer's locale (mm/dd/yyyy and
 * the like), which beside a UTC label invites misreading. The filters check the days before
 * anything is sent (`auditFilterProblem`).
 */
export function DateRange({ idPrefix, from, to }: { idPrefix: string; from: string; to: string }) {
  return (
    <>
      <DayField id={`${idPrefix}-from`} name="from" label="From (UTC)" value={from} />
      <DayField id={`${idPrefix}-to`} name="to" label="To (UTC, included)" value={to} />
    </>
  );
}

function DayField({
  id,
  name,
  label,
  value,
}: {
  id: string;
  name: string;
  label: string;
  value: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        placeholder="YYYY-MM-DD"
        pattern="\d{4}-\d{2}-\d{2}"
        title="A day as YYYY-MM-DD, e.g. 2026-05-04"
        maxLength={10}
        defaultValue={value}
      />
    </div>
  );
}
