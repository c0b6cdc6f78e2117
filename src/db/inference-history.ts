import { randomUUID } from "node:crypto";
import type { InferenceRun, Prisma } from "../generated/prisma/client.js";
import type { ModelRef } from "../model-ref.js";
import type { Database } from "./client.js";

/** A tensor's name, element type and shape, as history keeps them (never the values). */
export interface TensorSummary {
  name: string;
  elementType: string;
  shape: number[];
}

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

/** The InferenceRun table: every runInference call with a well-formed model reference. */
export class InferenceHistory {
  constructor(private readonly db: Database) {}

  async record(entry: InferenceRunEntry): Promise<string> {
    const { id } = await this.db.inferenceRun.create({
      data: {
        id: randomUUID(),
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
      },
      select: { id: true },
    });
    return id;
  }

  /** Deletes runs older than `days` days; answers how many went. */
  async prune(days: number): Promise<number> {
    const before = new Date(Date.now() - days * 24 * 3600 * 1000);
    const { count } = await this.db.inferenceRun.deleteMany({ where: { createdAt: { lt: before } } });
    return count;
  }

  /** Newest first; only runs of `model` (any revision unless it names one) when given. */
  find(query: HistoryQuery, model: ModelRef | null): Promise<InferenceRun[]> {
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
