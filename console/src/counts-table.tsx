/** A two-column table of counts by name; "none" when empty. */
export function CountsTable({ title, counts }: { title: string; counts: Record<string, number> }) {
  const entries = Object.entries(counts);
  return (
    <>
      <h2>{title}</h2>
      {entries.length === 0 ? (
        <p class="hint">none</p>
      ) : (
        <table class="counts">
          <tbody>
            {entries.map(([name, n]) => (
              <tr key={name}>
                <td>{name || '(all)'}</td>
                <td>{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
