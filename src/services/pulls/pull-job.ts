import type { PullFileStatus, PullWithFiles } from "../../db/pull-store.js";
import type { ErrorCode } from "../../domain/errors.js";
import type { PullProgress, PullStatus } from "../../domain/pull-status.js";
import type { TransferSource } from "../../download/shared-transfers.js";
import { TransferRate } from "./transfer-rate.js";

/** One file of a running pull, as its job tracks it. */
export interface LiveFile {
  sizeBytes: number | null;
  bytesDone: number;
  status: PullFileStatus;
  /** Where its bytes came from so far, in order. */
  sources: TransferSource[];
}

export interface PullError {
  /** null for unexpected failures (details in the log). */
  code: ErrorCode | null;
  message: string;
}

/** Why a job stopped early; the abort reason of its signal. */
export type StopReason = "CANCELLED" | "INTERRUPTED";

/**
 * The in-memory state of a pull while it runs in this process: per-file bytes, speed, the files
 * being transferred, and the controller that cancels it. The database has the same facts, written
 * at every file's end and about once a second in between.
 */
export class PullJob {
  readonly controller = new AbortController();
  status: PullStatus = "QUEUED";
  attempts = 1;
  /** Why it failed, once it has. */
  error: PullError | null = null;
  private readonly rate = new TransferRate();
  private currentFile: string | null = null;
  private settle: () => void = () => undefined;
  /** Resolves once the job's final state is in the database. */
  readonly settled = new Promise<void>((resolve) => {
    this.settle = resolve;
  });

  constructor(
    readonly id: string,
    /** `<registry>:<id>` without the revision: the model whose folder the job writes to. */
    readonly model: string,
    readonly files: Map<string, LiveFile>,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(reason: StopReason): void {
    this.controller.abort(reason);
  }

  /**
   * Bytes of a file on disk now, reported once its transfer has a slot. The first report is where
   * it starts (a resumed partial file, a shared transfer joined late); only bytes after it count
   * for speed.
   */
  progress(path: string, bytes: number): void {
    const file = this.files.get(path);
    if (!file) return;
    if (file.status === "DOWNLOADING" && bytes > file.bytesDone) this.rate.add(bytes - file.bytesDone);
    file.bytesDone = bytes;
    file.status = "DOWNLOADING";
    this.currentFile = path;
  }

  /** A file's transfer (re)started from this source. */
  sourced(path: string, source: TransferSource): void {
    const file = this.files.get(path);
    if (file && !file.sources.some((known) => known.ref === source.ref && known.path === source.path)) {
      file.sources.push(source);
    }
  }

  /** A file is in place, with its size as it turned out. */
  fileDone(path: string, status: "VERIFIED" | "CACHED", sizeBytes: number): void {
    const file = this.files.get(path);
    if (file) Object.assign(file, { status, sizeBytes, bytesDone: sizeBytes });
  }

  fileFailed(path: string): void {
    const file = this.files.get(path);
    if (file) Object.assign(file, { status: "FAILED", bytesDone: 0 });
  }

  get bytesDone(): number {
    return [...this.files.values()].reduce((sum, file) => sum + file.bytesDone, 0);
  }

  get bytesTotal(): number {
    return [...this.files.values()].reduce((sum, file) => sum + (file.sizeBytes ?? file.bytesDone), 0);
  }

  finished(): void {
    this.settle();
  }

  snapshot(): PullProgress {
    const { bytesDone, bytesTotal } = this;
    const speed = this.status === "RUNNING" ? this.rate.bytesPerSecond() : null;
    const files = [...this.files.values()];
    return {
      pullId: this.id,
      status: this.status,
      bytesDone,
      bytesTotal,
      bytesPerSecond: speed,
      etaSeconds: speed ? Math.max(0, bytesTotal - bytesDone) / speed : null,
      currentFile: this.status === "RUNNING" ? this.currentFile : null,
      filesDone: files.filter((file) => file.status === "VERIFIED" || file.status === "CACHED").length,
      filesTotal: files.length,
      errorCode: this.error?.code ?? null,
      errorMessage: this.error?.message ?? null,
    };
  }
}

/** The progress of a pull this process does not run (finished, or run by another process). */
export function progressOfRecord(pull: PullWithFiles): PullProgress {
  return {
    pullId: pull.id,
    status: pull.status as PullStatus,
    bytesDone: Number(pull.bytesDone),
    bytesTotal: Number(pull.bytesTotal),
    bytesPerSecond: null,
    etaSeconds: null,
    currentFile: null,
    filesDone: pull.files.filter((file) => file.status === "VERIFIED" || file.status === "CACHED").length,
    filesTotal: pull.files.length,
    errorCode: pull.errorCode as ErrorCode | null,
    errorMessage: pull.errorMessage,
  };
}
