import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { CacheStore } from "../../cache/cache-store.js";
import type { ModelDir } from "../../cache/model-dir.js";
import type { Locks } from "../../coordination/locks.js";
import { IntegrityError } from "../../domain/errors.js";
import type { ModelFile } from "../../domain/model.js";
import type { FileDownload } from "../../download/download-file.js";
import { downloadFile } from "../../download/download-file.js";
import type { DownloadSubject } from "../../download/http-failure.js";
import { PartialFile } from "../../download/partial-file.js";
import type { TransferListener, TransferSource } from "../../download/shared-transfers.js";

export interface BlobRequest {
  dir: ModelDir;
  subject: DownloadSubject;
  /** The file as the registry lists it (size and sha256 where known). */
  file: ModelFile;
  revision: string;
  /** Download again even when the blob is in place. */
  force: boolean;
  /** PULL_STALL_TIMEOUT_MS. */
  stallTimeoutMs: number;
  /** The file's own source, named for the pull's history. */
  source: TransferSource;
  /** Asks the registry where to download the file; called only when a download is needed. */
  resolve(signal: AbortSignal): Promise<FileDownload>;
  /** Other places known to hold the same bytes, asked for only when the first source fails. */
  alternatives(signal: AbortSignal): Promise<AlternativeSource[]>;
}

/** Another file with the same sha256, and how to ask its registry for a download of it. */
export interface AlternativeSource {
  source: TransferSource;
  resolve(signal: AbortSignal): Promise<FileDownload>;
}

export interface BlobOutcome {
  sha256: string;
  sizeBytes: number;
  /** False when the blob was already in the cache (this model's, or another's linked in). */
  downloaded: boolean;
}

/**
 * Identifies a blob before it is downloaded: its sha256, or where it comes from when the registry
 * gives none (the model's folder name, not its path, so replicas with other cache folders agree).
 */
export function blobKey(request: Pick<BlobRequest, "dir" | "file" | "revision">): string {
  if (request.file.sha256) return request.file.sha256.toLowerCase();
  return createHash("sha256")
    .update(`${request.dir.name}\0${request.revision}\0${request.file.path}`)
    .digest("hex")
    .slice(0, 40);
}

/**
 * Brings one blob into a model's folder: found in place (in the shared store too), linked from
 * another model, or downloaded under the blob's lock (so another gateway process, on this cache
 * or another replica, waits for this one instead of downloading the same bytes) and committed
 * once verified.
 */
export async function fetchBlob(
  store: CacheStore,
  locks: Locks,
  request: BlobRequest,
  signal: AbortSignal,
  events: TransferListener,
): Promise<BlobOutcome> {
  const { dir, file, force } = request;
  const cached = async (): Promise<BlobOutcome | null> => {
    if (force || !file.sha256) return null;
    const sha256 = file.sha256.toLowerCase();
    let size = await store.blobSize(dir, sha256);
    if (size === null && (await store.adoptBlob(dir, sha256))) size = await store.blobSize(dir, sha256);
    if (size === null || (file.sizeBytes !== null && size !== file.sizeBytes)) return null;
    return { sha256, sizeBytes: size, downloaded: false };
  };
  const found = await cached();
  if (found) return found;

  await mkdir(dir.blobsDir, { recursive: true });
  const key = blobKey(request);
  const { partial: partialPath, lock } = dir.partialFiles(key);
  const release = await locks.acquire({ key: `blob:${key}`, file: lock }, signal);
  try {
    const finishedMeanwhile = await cached();
    if (finishedMeanwhile) return finishedMeanwhile;
    // Even with force, a partial download resumes (here, or from another replica's checkpoints in
    // a shared store): its bytes are verified with the rest at the end.
    await store.restorePartial(key, partialPath);
    const partial = new PartialFile(partialPath);
    const source = await request.resolve(signal);
    events.onSource(request.source);
    const done = await downloadFile(
      request.subject,
      { ...source, sizeBytes: source.sizeBytes ?? file.sizeBytes, sha256: source.sha256 ?? file.sha256 },
      partial,
      {
        signal,
        stallTimeoutMs: request.stallTimeoutMs,
        onProgress: (bytes) => {
          events.onProgress(bytes);
          store.partialProgress(key, partialPath, bytes);
        },
        onRetry: events.onRetry,
        failover: failoverTo(request, signal, events),
      },
    ).catch(async (error: unknown) => {
      if (error instanceof IntegrityError) await store.dropPartial(key);
      throw error;
    });
    await store.commitBlob(dir, partialPath, done.sha256);
    await store.dropPartial(key);
    return { ...done, downloaded: true };
  } finally {
    await release();
  }
}

/**
 * The next source of the same bytes each time one fails, in the order the index knows them; each
 * is tried once. Only a file whose sha256 is known can fail over: the final check is what makes
 * bytes from two places one file.
 */
function failoverTo(request: BlobRequest, signal: AbortSignal, events: TransferListener) {
  let queue: AlternativeSource[] | null = null;
  return async (): Promise<FileDownload | null> => {
    if (!request.file.sha256) return null;
    queue ??= await request.alternatives(signal).catch(() => []);
    while (queue.length > 0) {
      const next = queue.shift() as AlternativeSource;
      const download = await next.resolve(signal).catch(() => null);
      if (download) {
        events.onSource(next.source);
        return download;
      }
    }
    return null;
  };
}
