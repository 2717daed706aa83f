/**
 * A text filter of a list page. Its value comes from the page URL: the input is remounted when
 * that value changes (Back, Clear), so it never shows text that is no longer applied.
 */
export function SearchField({
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
        type="search"
        autoComplete="off"
        spellCheck={false}
        defaultValue={value}
        key={`${name}-${value}`}
      />
    </div>
  );
}
