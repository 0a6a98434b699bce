/** A chart's numbers as a table, folded under the chart (screen readers and keyboard users). */
import type { ComponentChildren } from "preact";

export interface DataTableProps {
  caption: string;
  columns: string[];
  rows: ComponentChildren[][];
  testId?: string;
}

export function DataTable({ caption, columns, rows, testId }: DataTableProps) {
  return (
    <details class="data-table">
      <summary>Show the numbers ({rows.length} rows)</summary>
      <div class="table-scroll" tabIndex={0}>
        <table data-testid={testId}>
          <caption>{caption}</caption>
          <thead>
            <tr>{columns.map((c) => <th scope="col" key={c}>{c}</th>)}</tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((cell, j) =>
                  j === 0 ? <th scope="row" key={j}>{cell}</th> : <td key={j}>{cell}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
