import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { CacheStore } from "../../cache/cache-store.js";
import type { Dependencies } from "../../coordination/dependencies.js";
import type { Locks } from "../../coordination/locks.js";
import type { ProgressBus } from "../../coordination/progress-bus.js";
import type { ArtifactIndex } from "../../db/artifact-index.js";
import type { Database } from "../../db/client.js";
import { ACTIVE_STATUSES, isOrphaned, PullStore, type PullWithFiles } from "../../db/pull-store.js";
import { type ErrorCode, GatewayError, InvalidInput, ModelNotCached, PullNotFound } from "../../domain/errors.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import type { PullProgress } from "../../domain/pull-status.js";
import { SharedTransfers } from "../../download/shared-transfers.js";
import type { Logger } from "../../logger.js";
import type { Metrics } from "../../observability/metrics.js";
import { claimOwner, formatOwner, OWNER_LEASE_MS } from "../../process-owner.js";
import type { RegistrySet } from "../../registries/registry-set.js";
import { canonicalRef } from "../canonical-ref.js";
import type { RegistryCalls } from "../registry-calls.js";
import { progressStream } from "./progress-stream.js";
import { type LiveFile, PullJob, progressOfRecord } from "./pull-job.js";
import { DEFAULT_BRANCH, planPull } from "./pull-plan.js";
import { type RunDeps, runPull } from "./pull-runner.js";

export interface PullServiceDeps {
  db: Database;
  /** Where else the same bytes are known to be (failover), and hashes earlier pulls verified. */
  artifacts: ArtifactIndex;
  registries: RegistrySet;
  calls: RegistryCalls;
  store: CacheStore;
  /** One download of a blob at a time, across processes (lock files, or Redis across replicas). */
  locks: Locks;
  /** Carries progress events from the process running a pull to its subscribers, on any replica. */
  bus: ProgressBus;
  /** Redis and the model store: a pull is refused while one the replicas share is down. */
  dependencies: Dependencies;
  logger: Logger;
  metrics: Metrics;
  /** PULL_CONCURRENCY: the most file transfers at once, across all pulls. */
  concurrency: number;
  /** PULL_STALL_TIMEOUT_MS: how long a download may go without data before it is resumed. */
  stallTimeoutMs: number;
}

/** How often a running pull publishes its progress (at most four events a second); the final event is sent at once. */
const PROGRESS_INTERVAL_MS = 250;
/** How long a subscription waits for an event before it reads the pull's state itself. */
const POLL_INTERVAL_MS = 1_000;
/** How long cancelPull waits for another process to stop its pull. */
const CANCEL_WAIT_MS = 5_000;

const isActive = (status: string) => (ACTIVE_STATUSES as readonly string[]).includes(status);
const modelKey = (ref: ModelRef) => `${ref.registry}:${ref.id}`;

/** What pullModel asks for. */
export interface PullRequest {
  /** The model as asked; the pull records it in its registry's own spelling. */
  ref: ModelRef;
  /** Globs on the model's file paths; null for the default (what inference needs, or every file of a model without ONNX files). */
  files: readonly string[] | null;
  /** Download again the files the cache holds (they are still verified). */
  force: boolean;
}

/**
 * Pulls models into the cache: starts pulls (answering at once, with the transfer running in the
 * background), cancels them, reports their progress, and remembers each in the history.
 */
export class PullService {
  readonly history: PullStore;
  private readonly jobs = new Map<string, PullJob>();
  private readonly transfers: SharedTransfers;
  private readonly runDeps: RunDeps;
  /** This service, as the owner recorded on the pulls it runs. */
  private readonly owner = claimOwner();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly deps: PullServiceDeps) {
    this.history = new PullStore(deps.db);
    this.transfers = new SharedTransfers(deps.concurrency);
    this.runDeps = { ...deps, pulls: this.history, transfers: this.transfers };
  }

  /** Plans a pull and starts it; a pull of files already cached is SUCCEEDED as it is returned. */
  async start({ ref: asked, files: patterns, force }: PullRequest, signal: AbortSignal) {
    await this.deps.dependencies.assertAvailable();
    // A pull whose owner died (another replica, killed) stops showing as RUNNING before this one starts.
    await this.interruptOrphans();
    const ref = await canonicalRef(this.deps.registries, this.deps.calls, asked, signal);
    const plan = await planPull(this.deps, ref, patterns, force, signal);
    const done = plan.files.every((file) => file.cached);
    const pull = await this.history.create(randomUUID(), {
      ref: formatModelRef(ref),
      registry: ref.registry,
      modelId: ref.id,
      requestedRevision: ref.revision,
      resolvedRevision: plan.resolvedRevision,
      patterns: plan.patterns,
      force,
      status: done ? "SUCCEEDED" : "QUEUED",
      owner: done ? null : formatOwner(this.owner),
      files: plan.files.map((file) => ({
        path: file.path,
        sizeBytes: file.sizeBytes,
        sha256: file.sha256,
        status: file.cached ? "CACHED" : "PENDING",
        bytesDone: file.cached ? (file.sizeBytes ?? 0) : 0,
      })),
      ...(done ? { finishedAt: new Date() } : {}),
    });
    if (done) {
      this.deps.metrics.pulls.inc({ status: "SUCCEEDED" });
      if (plan.dir) {
        await this.deps.store.writeRef(plan.dir, plan.branch, plan.snapshot);
        await this.deps.store.touch(plan.dir);
      }
      return pull;
    }
    const files = new Map<string, LiveFile>(
      pull.files.map((file) => [
        file.path,
        {
          sizeBytes: file.sizeBytes === null ? null : Number(file.sizeBytes),
          bytesDone: Number(file.bytesDone),
          status: file.status as LiveFile["status"],
          sources: [],
        },
      ]),
    );
    const job = new PullJob(pull.id, modelKey(ref), files);
    this.jobs.set(job.id, job);
    const publisher = setInterval(() => this.deps.bus.publish(job.snapshot()), PROGRESS_INTERVAL_MS);
    void runPull(this.runDeps, job, plan, force).finally(() => {
      clearInterval(publisher);
      this.jobs.delete(job.id);
      this.deps.bus.publish(job.snapshot());
    });
    return pull;
  }

  find(id: string): Promise<PullWithFiles | null> {
    return this.history.find(id);
  }

  /** The live state of a pull running in this process. */
  live(id: string): PullJob | undefined {
    return this.jobs.get(id);
  }

  /**
   * Stops a running pull; its partial files stay, so the next pull of the model resumes them. A
   * pull another gateway process runs is asked to stop through the database (its owner sees it at
   * its next heartbeat, within a second or so); one whose owner is gone is marked CANCELLED here.
   */
  async cancel(id: string): Promise<PullWithFiles> {
    const job = this.jobs.get(id);
    if (job) {
      job.stop("CANCELLED");
      await job.settled;
      return (await this.history.find(id)) as PullWithFiles;
    }
    const pull = await this.history.find(id);
    if (!pull) throw new PullNotFound(id);
    if (!isActive(pull.status)) {
      throw new InvalidInput(
        `Pull ${id} has already finished (${pull.status}); only QUEUED or RUNNING pulls can be cancelled.`,
        { field: "id" },
      );
    }
    if (isOrphaned(pull)) {
      await this.history.finish(id, {
        status: "CANCELLED",
        bytesDone: Number(pull.bytesDone),
        bytesTotal: Number(pull.bytesTotal),
        attempts: pull.attempts,
      });
      return (await this.history.find(id)) as PullWithFiles;
    }
    await this.history.requestCancel({ id });
    return this.awaitEnd(id);
  }

  /** Cancels every pull of a model, here and in other processes, before the model is removed. */
  async cancelModelPulls(ref: ModelRef): Promise<void> {
    const jobs = [...this.jobs.values()].filter((job) => job.model === modelKey(ref));
    for (const job of jobs) job.stop("CANCELLED");
    await this.history.requestCancel({ registry: ref.registry, modelId: ref.id });
    await Promise.all(jobs.map((job) => job.settled));
  }

  /** A pull another process was asked to stop, once it has (or as it stands after a few heartbeats). */
  private async awaitEnd(id: string): Promise<PullWithFiles> {
    for (let waited = 0; waited < CANCEL_WAIT_MS; waited += POLL_INTERVAL_MS / 4) {
      const pull = (await this.history.find(id)) as PullWithFiles;
      if (!isActive(pull.status)) return pull;
      await sleep(POLL_INTERVAL_MS / 4);
    }
    return (await this.history.find(id)) as PullWithFiles;
  }

  /** Progress events of a pull until it ends (PULL_NOT_FOUND, thrown at once, for an unknown id). */
  async watch(id: string, signal: AbortSignal): Promise<AsyncGenerator<PullProgress>> {
    // Listening before the first read, so an event between the two is not lost.
    const live = this.deps.bus.subscribe(id);
    const first = await this.progress(id).catch(async (error: unknown) => {
      await live.return?.();
      throw error;
    });
    if (!first) {
      await live.return?.();
      throw new PullNotFound(id);
    }
    return progressStream(first, live, () => this.progress(id), signal, POLL_INTERVAL_MS);
  }

  /**
   * Resolves once the files matching `patterns` (null: the inference files) are in the cache,
   * pulling them if needed; rejects with the pull's error otherwise. For the inference service.
   */
  async ensureCached(ref: ModelRef, patterns: readonly string[] | null, signal: AbortSignal): Promise<void> {
    if (this.deps.registries.get(ref.registry).localPath) return;
    if (await this.stillCached(ref, patterns)) return;
    const pull = await this.start({ ref, files: patterns, force: false }, signal);
    const job = this.jobs.get(pull.id);
    if (job) {
      const cancel = () => job.stop("CANCELLED");
      signal.addEventListener("abort", cancel, { once: true });
      await job.settled.finally(() => signal.removeEventListener("abort", cancel));
    }
    const final = (await this.history.find(pull.id)) as PullWithFiles;
    if (final.status === "SUCCEEDED") return;
    const text = formatModelRef(ref);
    if (final.errorCode) throw new GatewayError(final.errorCode as ErrorCode, final.errorMessage ?? "", { ref: text });
    throw new ModelNotCached(`The pull of ${text} ended ${final.status} before its files were in place.`, {
      ref: text,
    });
  }

  /**
   * Marks pulls that a crash or restart cut off as INTERRUPTED, now and then every lease period
   * (a process on another host is only known dead by its silence); answers how many it found now.
   */
  async recover(): Promise<number> {
    this.sweeper ??= setInterval(() => {
      this.interruptOrphans().catch((err: unknown) => this.deps.logger.warn({ err }, "orphan sweep failed"));
    }, OWNER_LEASE_MS);
    this.sweeper.unref();
    return this.interruptOrphans();
  }

  /** INTERRUPTED for pulls whose owner is gone, told to their subscribers (the owner cannot). */
  private async interruptOrphans(): Promise<number> {
    const ids = await this.history.interruptOrphans();
    for (const id of ids) {
      const pull = await this.history.find(id);
      if (pull) this.deps.bus.publish(progressOfRecord(pull));
    }
    return ids.length;
  }

  /** Stops every pull as INTERRUPTED (pulling again resumes them) and waits until they have. */
  async close(): Promise<void> {
    clearInterval(this.sweeper ?? undefined);
    const jobs = [...this.jobs.values()];
    for (const job of jobs) job.stop("INTERRUPTED");
    this.transfers.abortAll("INTERRUPTED");
    await Promise.all(jobs.map((job) => job.settled));
    this.owner.release();
  }

  private async progress(id: string): Promise<PullProgress | null> {
    const job = this.jobs.get(id);
    if (job) return job.snapshot();
    const pull = await this.history.find(id);
    return pull ? progressOfRecord(pull) : null;
  }

  /** Whether the last successful pull of the same files is still whole in the cache. */
  private async stillCached(ref: ModelRef, patterns: readonly string[] | null): Promise<boolean> {
    const pull = await this.history.latestSucceeded(ref.registry, ref.id, ref.revision, patterns ?? []);
    if (!pull) return false;
    const dir = this.deps.store.modelDir(ref.registry, ref.id);
    const snapshot = pull.resolvedRevision ?? ref.revision ?? DEFAULT_BRANCH;
    const entries = await Promise.all(
      pull.files.map((file) => this.deps.store.snapshotEntry(dir, snapshot, file.path)),
    );
    return entries.every((entry) => entry !== null);
  }
}
