import type { ComponentChildren } from "preact";
import { formatBytes } from "../format.js";
import { modelPath } from "../model-path.js";
import type { ModelFile } from "./model-documents.js";

/** One column of the files table: its heading and what a file shows in it. */
interface Column {
  heading: string;
  cell(file: ModelFile): ComponentChildren;
}

/** The columns, in order. A new fact about files is one more entry here and one more field in FileFields. */
const COLUMNS: Column[] = [
  { heading: "Path", cell: (file) => <code>{file.path}</code> },
  { heading: "Size", cell: (file) => formatBytes(file.sizeBytes) },
  {
    heading: "sha256",
    cell: (file) => (file.sha256 ? <code class="hash">{file.sha256}</code> : <span class="muted">not published</span>),
  },
  {
    // The same bytes (same sha256) in other models, in any registry: pulling one of them costs nothing.
    heading: "Also at",
    cell: (file) =>
      file.alsoAt.length === 0 ? (
        <span class="muted">—</span>
      ) : (
        <ul class="plain-list">
          {file.alsoAt.map((location) => (
            <li key={`${location.model}/${location.path}`}>
              <a href={modelPath(location.model)}>{location.model}</a>
              {location.path === file.path ? null : <code> {location.path}</code>}
            </li>
          ))}
        </ul>
      ),
  },
];

/** A model's files with their sizes and hashes, as its registry lists them. */
export function FileTable({ files }: { files: readonly ModelFile[] | null }) {
  if (!files) return <p class="muted">The registry does not list this model's files.</p>;
  if (files.length === 0) return <p class="muted">No files.</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">Files</caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column.heading} scope="col">
                {column.heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {files.map((file) => (
            <tr key={file.path}>
              {COLUMNS.map((column) => (
                <td key={column.heading}>{column.cell(file)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
