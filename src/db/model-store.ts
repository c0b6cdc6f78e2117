import { LRUCache } from "lru-cache";
import type { ModelFormat, ModelInfo } from "../domain/model.js";
import type { ModelRef } from "../domain/model-ref.js";
import type { TensorSpec } from "../domain/tensors.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Database } from "./client.js";

/** Model info as the database last saw it. */
export interface StoredModel {
  info: ModelInfo;
  fetchedAt: Date;
}

/** The fields that have columns of their own; everything else of a ModelInfo lives in `details`. */
const COLUMNS = [
  "registry",
  "id",
  "revision",
  "name",
  "author",
  "description",
  "task",
  "tags",
  "format",
  "license",
  "downloads",
  "likes",
  "updatedAt",
  "sizeBytes",
  "inputs",
  "outputs",
  "opset",
  "files",
] as const satisfies ReadonlyArray<keyof ModelInfo>;

/** Rows kept in memory: the hot models of a UI are read far more often than registries change. */
const MEMORY_ENTRIES = 2000;

/**
 * Keeps what registries said about models, keyed by registry, id and the revision asked for, so
 * `model` can answer with stale data when a registry is unreachable, and cached info without a
 * registry call. Recent rows also stay in memory: a read costs a Prisma query of a millisecond or
 * more, a memory hit nothing; the database stays the record, and freshness is the caller's test
 * of `fetchedAt`, so a memory copy is never served as fresher than it is.
 */
export class ModelStore {
  private readonly memory = new LRUCache<string, StoredModel>({ max: MEMORY_ENTRIES });

  constructor(private readonly db: Database) {}

  /**
   * One upsert per model (each atomic with its files), so a busy database retries one model, not
   * all. An answer the store already holds (the same object a registry answered before: the local
   * folder and the zoo's manifest keep theirs while nothing changes) writes nothing.
   */
  async save(entries: ReadonlyArray<{ ref: ModelRef; info: ModelInfo }>, fetchedAt: Date): Promise<void> {
    const changed = entries.filter(({ ref, info }) => this.memory.get(refKey(ref))?.info !== info);
    await Promise.all(
      changed.map(({ ref, info }) => {
        const record = toRecord(info, fetchedAt);
        const files = info.files.map((file) => ({
          path: file.path,
          sizeBytes: file.sizeBytes === null ? null : BigInt(file.sizeBytes),
          sha256: file.sha256,
        }));
        const key = { registry: ref.registry, modelId: ref.id, revision: ref.revision ?? "" };
        this.memory.set(refKey(ref), { info, fetchedAt });
        return this.db.modelRecord.upsert({
          where: { registry_modelId_revision: key },
          create: { ...key, ...record, files: { create: files } },
          update: { ...record, files: { deleteMany: {}, create: files } },
        });
      }),
    );
  }

  /** The stored models for these refs (same registry or not), in a map keyed by index in `refs`. */
  async find(refs: readonly ModelRef[]): Promise<Map<number, StoredModel>> {
    const found = new Map<number, StoredModel>();
    const missing = refs.filter((ref, index) => {
      const copy = this.memory.get(refKey(ref));
      if (copy) found.set(index, copy);
      return !copy;
    });
    if (missing.length === 0) return found;
    const rows = await this.db.modelRecord.findMany({
      where: {
        OR: missing.map((ref) => ({ registry: ref.registry, modelId: ref.id, revision: ref.revision ?? "" })),
      },
      include: { files: { orderBy: { path: "asc" } } },
    });
    const byKey = new Map(rows.map((row) => [rowKey(row.registry, row.modelId, row.revision), row]));
    refs.forEach((ref, index) => {
      const row = byKey.get(refKey(ref));
      if (!row || found.has(index)) return;
      const copy = { info: fromRecord(row), fetchedAt: row.fetchedAt };
      this.memory.set(refKey(ref), copy);
      found.set(index, copy);
    });
    return found;
  }
}

type Row = Prisma.ModelRecordGetPayload<{ include: { files: true } }>;

const refKey = (ref: ModelRef) => rowKey(ref.registry, ref.id, ref.revision ?? "");
const rowKey = (registry: string, modelId: string, revision: string) => `${registry}\u0000${modelId}\u0000${revision}`;

/** A nullable Json column is cleared with DbNull; `undefined` would leave the old value in place. */
function jsonOrNull(value: unknown) {
  return value === null || value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

function toRecord(info: ModelInfo, fetchedAt: Date) {
  const details: Record<string, unknown> = { ...info };
  for (const column of COLUMNS) delete details[column];
  return {
    resolvedRevision: info.revision,
    name: info.name,
    author: info.author,
    description: info.description,
    task: info.task,
    tags: info.tags,
    format: info.format,
    license: info.license,
    downloads: info.downloads,
    likes: info.likes,
    updatedAt: info.updatedAt,
    sizeBytes: info.sizeBytes === null ? null : BigInt(info.sizeBytes),
    inputs: jsonOrNull(info.inputs),
    outputs: jsonOrNull(info.outputs),
    opset: info.opset,
    details: details as Prisma.InputJsonValue,
    fetchedAt,
  };
}

function fromRecord(row: Row): ModelInfo {
  return {
    ...(row.details as object),
    registry: row.registry,
    id: row.modelId,
    revision: row.resolvedRevision,
    name: row.name,
    author: row.author,
    description: row.description,
    task: row.task,
    tags: row.tags as string[],
    format: row.format as ModelFormat,
    license: row.license,
    downloads: row.downloads,
    likes: row.likes,
    updatedAt: row.updatedAt,
    sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
    inputs: (row.inputs as TensorSpec[] | null) ?? null,
    outputs: (row.outputs as TensorSpec[] | null) ?? null,
    opset: row.opset,
    files: row.files.map((file) => ({
      path: file.path,
      sizeBytes: file.sizeBytes === null ? null : Number(file.sizeBytes),
      sha256: file.sha256,
    })),
  };
}
