import { formatBytes, formatDate, formatSpeed } from "../format.js";
import type { PullSummaryData } from "./model-documents.js";

/** The model's latest pulls: when, how it ended, how much and how fast. */
export function RecentPulls({ pulls }: { pulls: readonly PullSummaryData[] }) {
  if (pulls.length === 0) return <p class="muted">Never pulled through this gateway.</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">Recent pulls</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Reference</th>
            <th scope="col">Status</th>
            <th scope="col">Bytes</th>
            <th scope="col">Mean speed</th>
          </tr>
        </thead>
        <tbody>
          {pulls.map((pull) => (
            <tr key={pull.id}>
              <td>{formatDate(pull.createdAt, true)}</td>
              <td>
                <code>{pull.ref}</code>
              </td>
              <td>
                {pull.status.toLowerCase()}
                {pull.errorCode && <span class="muted"> ({pull.errorCode})</span>}
              </td>
              <td>
                {formatBytes(pull.bytesDone)} of {formatBytes(pull.bytesTotal)}
              </td>
              <td>{formatSpeed(pull.meanBytesPerSecond)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
