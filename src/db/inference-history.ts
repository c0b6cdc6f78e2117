import { randomUUID } from "node:crypto";
import type { ModelRef } from "../domain/model-ref.js";
import type { TensorSummary } from "../domain/tensors.js";
import type { InferenceRun, Prisma } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import type { Database } from "./client.js";

/** How long a run may wait in memory before its row is written, and how many rows one write takes. */
const FLUSH_MS = 1_000;
const FLUSH_ROWS = 200;
/** Rows kept for a retry while the database refuses writes; beyond it the oldest are dropped (and logged). */
const MAX_QUEUED = 10_000;

/** One inference call as history stores it. */
export interface InferenceRunEntry {
  ref: ModelRef;
  refText: string;
  filePath: string | null;
  fileSha256: string | null;
  requestedProvider: string;
  provider: string | null;
  /** The remote backend that ran it (or was running it when it failed). */
  backend: string | null;
  protocol: "GRAPHQL" | "OIP";
  status: "SUCCEEDED" | "FAILED" | "CANCELLED";
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  errorCode: string | null;
  errorMessage: string | null;
  timings: { queueMs: number | null; loadMs: number | null; runMs: number | null; totalMs: number };
}

/** What a paged history query passes through (Pothos's select, cursor, take and skip). */
export type HistoryQuery = Omit<Prisma.InferenceRunFindManyArgs, "where" | "orderBy">;

/**
 * The InferenceRun table: every runInference call with a well-formed model reference. Rows are
 * written behind the call, in batches: a call answers without waiting for its insert (about 2 ms
 * of a small model's call), reads wait for what is queued so they never miss a finished run, and
 * close() writes the rest, so a SIGTERM loses nothing.
 */
export class InferenceHistory {
  private queued: Prisma.InferenceRunCreateManyInput[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  /** Queues the run's row and answers its id at once. */
  record(entry: InferenceRunEntry): string {
    const id = randomUUID();
    this.queued.push({
      id,
      ref: entry.refText,
      registry: entry.ref.registry,
      modelId: entry.ref.id,
      revision: entry.ref.revision,
      filePath: entry.filePath,
      fileSha256: entry.fileSha256,
      requestedProvider: entry.requestedProvider,
      provider: entry.provider,
      backend: entry.backend,
      protocol: entry.protocol,
      status: entry.status,
      inputs: entry.inputs as unknown as Prisma.InputJsonValue,
      outputs: entry.outputs as unknown as Prisma.InputJsonValue,
      errorCode: entry.errorCode,
      errorMessage: entry.errorMessage,
      ...entry.timings,
      createdAt: new Date(),
    });
    if (this.queued.length >= FLUSH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    return id;
  }

  /** Writes every queued row (after any write in progress); a failed write is logged and retried later. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.writing = this.writing.then(() => this.writeQueued());
    return this.writing;
  }

  /** Writes what is queued; called on shutdown, before the database closes. */
  close(): Promise<void> {
    return this.flush();
  }

  private async writeQueued(): Promise<void> {
    const rows = this.queued;
    if (rows.length === 0) return;
    this.queued = [];
    try {
      await this.db.inferenceRun.createMany({ data: rows });
    } catch (error) {
      this.queued = [...rows, ...this.queued];
      const dropped = this.queued.splice(0, Math.max(0, this.queued.length - MAX_QUEUED)).length;
      this.logger.error(
        { err: error, waiting: this.queued.length, dropped },
        "inference history could not be written; retrying",
      );
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS * 10);
    }
  }

  /** Deletes runs older than `days` days; answers how many went. */
  async prune(days: number): Promise<number> {
    const before = new Date(Date.now() - days * 24 * 3600 * 1000);
    const { count } = await this.db.inferenceRun.deleteMany({ where: { createdAt: { lt: before } } });
    return count;
  }

  /** Newest first; only runs of `model` (any revision unless it names one) when given. */
  async find(query: HistoryQuery, model: ModelRef | null): Promise<InferenceRun[]> {
    await this.flush();
    const where: Prisma.InferenceRunWhereInput = model
      ? {
          registry: model.registry,
          modelId: model.id,
          ...(model.revision === null ? {} : { revision: model.revision }),
        }
      : {};
    return this.db.inferenceRun.findMany({ ...query, where, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  }
}
