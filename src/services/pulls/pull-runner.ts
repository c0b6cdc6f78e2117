import { setMaxListeners } from "node:events";
import type { CacheStore } from "../../cache/cache-store.js";
import type { ModelDir } from "../../cache/model-dir.js";
import type { Locks } from "../../coordination/locks.js";
import type { ArtifactIndex } from "../../db/artifact-index.js";
import type { PullStore } from "../../db/pull-store.js";
import { GatewayError } from "../../domain/errors.js";
import { formatModelRef } from "../../domain/model-ref.js";
import type { SharedTransfers } from "../../download/shared-transfers.js";
import type { Logger } from "../../logger.js";
import type { Metrics } from "../../observability/metrics.js";
import type { RegistrySet } from "../../registries/registry-set.js";
import type { RegistryCalls } from "../registry-calls.js";
import { type AlternativeSource, type BlobRequest, blobKey, fetchBlob } from "./fetch-blob.js";
import type { PullError, PullJob, StopReason } from "./pull-job.js";
import type { PlannedFile, PullPlan } from "./pull-plan.js";

export interface RunDeps {
  store: CacheStore;
  /** One download of a blob at a time, across processes (lock files, or Redis across replicas). */
  locks: Locks;
  registries: RegistrySet;
  /** Where else the same bytes are known to be, for a download whose source fails. */
  artifacts: ArtifactIndex;
  pulls: PullStore;
  transfers: SharedTransfers;
  calls: RegistryCalls;
  logger: Logger;
  metrics: Metrics;
  stallTimeoutMs: number;
}

/** How often a running pull's byte count is written to the database. */
const SAVE_EVERY_MS = 1_000;

/**
 * Runs a planned pull to its end: every file not cached is fetched (sharing transfers with other
 * pulls, at most PULL_CONCURRENCY at once), linked into the snapshot, and recorded; the branch is
 * pointed at the snapshot only once every file is in place. The first failure stops the others.
 */
export async function runPull(deps: RunDeps, job: PullJob, plan: PullPlan, force: boolean): Promise<void> {
  const started = performance.now();
  const dir = plan.dir as ModelDir;
  const firstFailure = new AbortController();
  const signal = AbortSignal.any([job.signal, firstFailure.signal]);
  // Each file's transfer listens to it: a model's file count, not a leak.
  setMaxListeners(0, signal);
  // The heartbeat keeps the pull's lease and brings back a cancellation asked by another process.
  const saver = setInterval(() => {
    deps.pulls.heartbeat(job.id, job.bytesDone).then(
      (cancelRequested) => cancelRequested && job.stop("CANCELLED"),
      (err: unknown) => deps.logger.warn({ err }, "pull progress not saved"),
    );
  }, SAVE_EVERY_MS);
  try {
    job.status = "RUNNING";
    await deps.pulls.markRunning(job.id);
    const results = await Promise.allSettled(
      plan.files
        .filter((file) => !file.cached)
        .map((file) =>
          fetchFile(deps, job, plan, file, force, signal).catch((error: unknown) => {
            firstFailure.abort(error);
            throw error;
          }),
        ),
    );
    job.signal.throwIfAborted();
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw firstFailure.signal.reason ?? failed.reason;
    await deps.store.writeRef(dir, plan.branch, plan.snapshot);
    await deps.store.touch(dir);
    await finish(deps, job, "SUCCEEDED");
  } catch (error) {
    const stop = job.signal.aborted ? (job.signal.reason as StopReason) : null;
    // Before the history says it ended, so whoever reads FAILED finds no empty folder behind.
    await deps.store.removeIfEmpty(dir);
    await finish(deps, job, stop ?? "FAILED", stop ? null : describe(deps.logger, error, plan));
  } finally {
    report(deps, job, plan, performance.now() - started);
    clearInterval(saver);
    job.finished();
  }
}

async function fetchFile(
  deps: RunDeps,
  job: PullJob,
  plan: PullPlan,
  file: PlannedFile,
  force: boolean,
  signal: AbortSignal,
): Promise<void> {
  const dir = plan.dir as ModelDir;
  const { manager } = plan;
  const request: BlobRequest = {
    dir,
    file,
    force,
    stallTimeoutMs: deps.stallTimeoutMs,
    revision: plan.snapshot,
    subject: { registry: manager.name, ref: formatModelRef(plan.ref), path: file.path },
    source: { ref: formatModelRef(plan.pinned), path: file.path },
    resolve: (deadline: AbortSignal) =>
      deps.calls.run(manager, deps.calls.deadline(deadline), (s) => manager.resolveDownload(plan.pinned, file, s)),
    alternatives: () => alternativeSources(deps, plan, file),
  };
  try {
    const outcome = await deps.transfers.run(
      `${blobKey(request)}${force ? ":force" : ""}`,
      (transferSignal, events) => fetchBlob(deps.store, deps.locks, request, transferSignal, events),
      {
        onProgress: (bytes) => job.progress(file.path, bytes),
        onRetry: () => {
          job.attempts++;
        },
        onSource: (source) => job.sourced(file.path, source),
      },
      signal,
    );
    // A transfer shared with a pull of another model may have stored the blob in that model's folder.
    if ((await deps.store.blobSize(dir, outcome.sha256)) === null) await deps.store.adoptBlob(dir, outcome.sha256);
    await deps.store.linkSnapshot(dir, plan.snapshot, file.path, outcome.sha256);
    const status = outcome.downloaded ? "VERIFIED" : "CACHED";
    if (outcome.downloaded) deps.metrics.pullBytes.inc(outcome.sizeBytes);
    job.fileDone(file.path, status, outcome.sizeBytes);
    await deps.pulls.updateFile(job.id, file.path, {
      status,
      bytesDone: outcome.sizeBytes,
      sizeBytes: outcome.sizeBytes,
      sha256: outcome.sha256,
      sources: job.files.get(file.path)?.sources ?? [],
    });
  } catch (error) {
    if (!signal.aborted) {
      job.fileFailed(file.path);
      await deps.pulls.updateFile(job.id, file.path, { status: "FAILED", bytesDone: 0 });
    }
    throw error;
  }
}

async function finish(
  deps: RunDeps,
  job: PullJob,
  status: "SUCCEEDED" | "FAILED" | "CANCELLED" | "INTERRUPTED",
  error: PullError | null = null,
): Promise<void> {
  await deps.pulls.finish(job.id, {
    status,
    bytesDone: job.bytesDone,
    bytesTotal: job.bytesTotal,
    attempts: job.attempts,
    errorCode: error?.code ?? null,
    errorMessage: error?.message ?? null,
    // A file stopped mid-transfer is PENDING again, with the bytes it keeps for the next pull.
    files: [...job.files].map(([path, file]) => ({
      path,
      status: file.status === "DOWNLOADING" ? "PENDING" : file.status,
      bytesDone: file.bytesDone,
      sources: file.sources,
    })),
  });
  job.status = status;
  job.error = error;
}

/**
 * The other files known to hold a planned file's bytes (same sha256), in registries this gateway
 * has enabled, each with a way to ask its registry for a download (under the registry deadline).
 */
async function alternativeSources(deps: RunDeps, plan: PullPlan, file: PlannedFile): Promise<AlternativeSource[]> {
  if (!file.sha256) return [];
  const sha256 = file.sha256.toLowerCase();
  const places = (await deps.artifacts.locations([sha256])).get(sha256) ?? [];
  return places.flatMap((place) => {
    const same = place.registry === plan.ref.registry && place.modelId === plan.pinned.id && place.path === file.path;
    const manager = deps.registries.enabled.find((candidate) => candidate.name === place.registry);
    if (same || !manager || manager.localPath) return [];
    const ref = { registry: place.registry, id: place.modelId, revision: place.revision };
    const known = { path: place.path, sizeBytes: place.sizeBytes, sha256 };
    return [
      {
        source: { ref: formatModelRef(ref), path: place.path },
        resolve: (deadline: AbortSignal) =>
          deps.calls.run(manager, deps.calls.deadline(deadline), (s) => manager.resolveDownload(ref, known, s)),
      },
    ];
  });
}

/** One log line and the counters per finished pull. */
function report(deps: RunDeps, job: PullJob, plan: PullPlan, durationMs: number): void {
  deps.metrics.pulls.inc({ status: job.status });
  deps.logger.info(
    {
      pullId: job.id,
      ref: formatModelRef(plan.ref),
      status: job.status,
      bytes: job.bytesDone,
      attempts: job.attempts,
      durationMs: Math.round(durationMs),
      errorCode: job.error?.code,
    },
    "pull",
  );
}

/** The code and message a failed pull records; unexpected errors are logged and described safely. */
function describe(logger: Logger, error: unknown, plan: PullPlan): PullError {
  if (error instanceof GatewayError) return { code: error.code, message: error.message };
  if ((error as NodeJS.ErrnoException).code === "ENOSPC") {
    return { code: "INSUFFICIENT_STORAGE", message: "The cache's disk filled up during the pull." };
  }
  logger.error({ err: error, ref: formatModelRef(plan.ref) }, "pull failed unexpectedly");
  return { code: null, message: "The pull failed unexpectedly; the gateway's log has the details." };
}
