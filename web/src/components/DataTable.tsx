import type { ReactNode } from 'react';
import { t } from '../i18n';
import { Alert } from '../ui';

/** One column of a table: its header and what a row shows in it. */
export interface Column<Row> {
  header: ReactNode;
  cell(row: Row): ReactNode;
}

/** What a row element carries besides its cells: a class and the data-* attributes tests and styles find it by. */
export type RowAttributes = { className?: string } & { [attribute: `data-${string}`]: string | number };

/**
 * A list as the portal shows one: its error, "loading" until the rows are there, the empty text or the table,
 * and "Show more" while the server has another page.
 */
export function DataTable<Row>(props: {
  columns: readonly Column<Row>[];
  /** Undefined until the rows have been read. */
  rows: readonly Row[] | undefined;
  rowKey(row: Row, index: number): string | number;
  rowAttributes?(row: Row): RowAttributes;
  /** Shown instead of the table when there are no rows; without it an empty list is an empty table. */
  empty?: ReactNode;
  error?: unknown;
  /** Pages that read only on request show nothing, not "loading", before the first read. */
  quietWhileLoading?: boolean;
  /** Reads the next page; undefined when there is none. */
  more?: (() => void) | undefined;
  /** The table's caption, e.g. how many rows it shows. */
  caption?: ReactNode | ((rows: readonly Row[]) => ReactNode);
  className?: string;
  testId?: string;
}) {
  const { rows } = props;
  return (
    <>
      <Alert error={props.error} />
      {rows === undefined ? (
        props.quietWhileLoading ? null : (
          <p className="loading">{t.common.loading}</p>
        )
      ) : rows.length === 0 && props.empty !== undefined ? (
        <p>{props.empty}</p>
      ) : (
        <div className="table-wrap">
          <table className={props.className} data-testid={props.testId}>
            {props.caption === undefined ? null : (
              <caption>{typeof props.caption === 'function' ? props.caption(rows) : props.caption}</caption>
            )}
            <thead>
              <tr>
                {props.columns.map((column, i) => (
                  // Columns are fixed per table: their position is their identity.
                  // biome-ignore lint/suspicious/noArrayIndexKey: see above
                  <th key={i} scope="col">
                    {column.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={props.rowKey(row, i)} {...props.rowAttributes?.(row)}>
                  {props.columns.map((column, j) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed per table
                    <td key={j}>{column.cell(row)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.more ? (
        <button type="button" className="secondary" onClick={props.more}>
          {t.queue.more}
        </button>
      ) : null}
    </>
  );
}
