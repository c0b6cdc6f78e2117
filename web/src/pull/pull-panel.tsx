import type { Progress } from "../../../src/client/pull-documents.js";
import { formatBytes, formatSeconds, formatSpeed } from "../format.js";
import { usePull } from "./use-pull.js";

const OUTCOMES: Record<string, string> = {
  SUCCEEDED: "Pull succeeded: every file is in the cache, verified.",
  CANCELLED: "Pull cancelled. Its partial files are kept: pulling again resumes them.",
  FAILED: "Pull failed.",
  INTERRUPTED: "Pull interrupted by a gateway shutdown; pulling again resumes it.",
};

interface PullPanelProps {
  modelRef: string;
  cached: boolean;
  /** A pull of this model already under way, to follow. */
  running: string | null;
  onEnd(): void;
}

/**
 * The Pull button, the progress of a pull (bar, speed, time left, current file), Cancel, and how
 * it ended. Announced to screen readers through a polite status region.
 */
export function PullPanel({ modelRef, cached, running, onEnd }: PullPanelProps) {
  const { view, start, cancel, retry } = usePull(modelRef, running, onEnd);
  const busy = view.phase === "starting" || view.phase === "following";
  return (
    <div class="pull-panel">
      <div class="actions">
        <button type="button" class="primary" onClick={start} disabled={busy}>
          {cached ? "Pull again" : "Pull"}
        </button>
        {view.phase === "following" && (
          <button type="button" onClick={cancel} disabled={view.cancelling}>
            {view.cancelling ? "Cancelling…" : "Cancel"}
          </button>
        )}
        {view.phase === "lost" && (
          <button type="button" onClick={() => retry(view.id)}>
            Follow again
          </button>
        )}
      </div>
      {(view.phase === "following" || view.phase === "ended") && <PullProgressView progress={view.progress} />}
      <p class="pull-status" role="status">
        {view.phase === "starting" && "Starting the pull…"}
        {view.phase === "following" && (view.progress ? `Pulling: ${view.progress.status.toLowerCase()}` : "Waiting…")}
        {view.phase === "ended" && (
          <>
            {OUTCOMES[view.progress.status] ?? view.progress.status}
            {view.progress.errorMessage && ` ${view.progress.errorMessage}`}
            {view.progress.errorCode && <code> {view.progress.errorCode}</code>}
          </>
        )}
        {view.phase === "refused" && (
          <>
            The pull could not start: {view.message} <code>{view.code}</code>
            {view.accessUrl && (
              <>
                {" "}
                <a href={view.accessUrl} rel="noreferrer">
                  Request access
                </a>
              </>
            )}
          </>
        )}
        {view.phase === "lost" && `Lost track of the pull: ${view.message}`}
      </p>
    </div>
  );
}

/** The bar (role progressbar, value in percent) and the figures beside it. */
function PullProgressView({ progress }: { progress: Progress | null }) {
  const percent = !progress
    ? 0
    : progress.status === "SUCCEEDED"
      ? 100
      : progress.bytesTotal > 0
        ? Math.min(100, Math.floor((progress.bytesDone / progress.bytesTotal) * 100))
        : 0;
  const speed = progress?.bytesPerSecond ?? null;
  const eta = progress?.etaSeconds ?? null;
  return (
    <div class="progress">
      <div
        class="bar"
        role="progressbar"
        aria-label="Pull progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %${speed !== null ? `, ${formatSpeed(speed)}` : ""}${eta !== null ? `, ${formatSeconds(eta)} left` : ""}`}
      >
        <div class="bar-fill" style={{ width: `${percent}%` }} />
      </div>
      <p class="progress-figures">
        <span>{percent} %</span>
        {progress && (
          <span>
            {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
          </span>
        )}
        {speed !== null && <span>{formatSpeed(speed)}</span>}
        {eta !== null && <span>{formatSeconds(eta)} left</span>}
        {progress && progress.filesTotal > 0 && (
          <span>
            files {progress.filesDone}/{progress.filesTotal}
          </span>
        )}
        {progress?.currentFile && (
          <span>
            <code>{progress.currentFile}</code>
          </span>
        )}
      </p>
    </div>
  );
}
