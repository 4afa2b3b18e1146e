/** One row of a {@link RowsTable}: its key and its cells, shown as text. */
export interface Row {
  key: string;
  cells: ReadonlyArray<string | number>;
}

/** A table with a heading row; every cell is rendered as text. */
export function RowsTable({ name, headers, rows }: { name: string; headers: readonly string[]; rows: readonly Row[] }) {
  return (
    <table class={name}>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, i) => (
              <td key={i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
