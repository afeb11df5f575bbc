/** A setup screen before its settings are read: its heading, and what is going on or what went wrong. */
export const ScreenLoading = ({ title, error }: { readonly title: string; readonly error: string | undefined }) => (
  <main id="main">
    <h1 tabIndex={-1}>{title}</h1>
    {error === undefined ? <p role="status">Reading the settings…</p> : <p role="alert">The settings could not be read: {error}</p>}
  </main>
);

/** A table's column headers. */
export const TableHead = ({ columns }: { readonly columns: readonly string[] }) => (
  <thead>
    <tr>
      {columns.map((column) => (
        <th key={column} scope="col">
          {column}
        </th>
      ))}
    </tr>
  </thead>
);
