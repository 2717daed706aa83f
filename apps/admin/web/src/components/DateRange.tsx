/** From / to day inputs (UTC days; both ends included). */
export function DateRange({ idPrefix, from, to }: { idPrefix: string; from: string; to: string }) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-from`}>From (UTC)</label>
        <input id={`${idPrefix}-from`} name="from" type="date" defaultValue={from} />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-to`}>To (UTC, included)</label>
        <input id={`${idPrefix}-to`} name="to" type="date" defaultValue={to} />
      </div>
    </>
  );
}
