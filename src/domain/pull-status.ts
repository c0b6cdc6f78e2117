import type { ErrorCode } from "./errors.js";

/** Where a pull is in its life: queued, running, then one of the four ends. */
export type PullStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED" | "INTERRUPTED";

/** One moment of a pull, as the progress subscription sends it (and the replicas' progress bus carries it). */
export interface PullProgress {
  pullId: string;
  status: PullStatus;
  bytesDone: number;
  bytesTotal: number;
  /** Over the last few seconds; null before there is anything to measure. */
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  /** The file bytes arrived for last, while the pull runs. */
  currentFile: string | null;
  filesDone: number;
  filesTotal: number;
  errorCode: ErrorCode | null;
  errorMessage: string | null;
}
