import type { PullStatus } from "../domain/pull-status.js";
import type { Prisma, Pull, PullFile } from "../generated/prisma/client.js";
import { isGone, OWNER_LEASE_MS, parseOwner } from "../process-owner.js";
import type { Database } from "./client.js";
export const ACTIVE_STATUSES: readonly PullStatus[] = ["QUEUED", "RUNNING"];

export const PULL_FILE_STATUSES = ["PENDING", "DOWNLOADING", "VERIFIED", "CACHED", "FAILED"] as const;
export type PullFileStatus = (typeof PULL_FILE_STATUSES)[number];

export type PullWithFiles = Pull & { files: PullFile[] };

/** A place a file's bytes came from: a file of a model at its resolved revision. */
export interface FileSource {
  ref: string;
  path: string;
}

export interface NewPull {
  ref: string;
  registry: string;
  modelId: string;
  requestedRevision: string | null;
  resolvedRevision: string | null;
  patterns: string[];
  force: boolean;
  status: PullStatus;
  /** The process that runs it (formatOwner), while it is QUEUED or RUNNING. */
  owner: string | null;
  files: Array<{
    path: string;
    sizeBytes: number | null;
    sha256: string | null;
    status: PullFileStatus;
    bytesDone: number;
  }>;
  /** Set for pulls that finish as they are created (everything already cached). */
  finishedAt?: Date;
}

export interface PullOutcome {
  status: PullStatus;
  bytesDone: number;
  bytesTotal: number;
  attempts: number;
  errorCode?: string | null;
  errorMessage?: string | null;
  /** Each file's state at the end, so a stopped pull's files show the bytes they kept. */
  files?: ReadonlyArray<{ path: string; status: PullFileStatus; bytesDone: number; sources: readonly FileSource[] }>;
}

/** Whether a QUEUED or RUNNING pull's owner is gone: dead on this host, or silent past its lease. */
export function isOrphaned(pull: Pick<Pull, "owner" | "heartbeatAt" | "createdAt">, now = Date.now()): boolean {
  const owner = parseOwner(pull.owner);
  if (owner === null || isGone(owner)) return true;
  return (pull.heartbeatAt ?? pull.createdAt).getTime() < now - OWNER_LEASE_MS;
}

/** Filters of the pull history. */
export interface PullFilter {
  status?: PullStatus | null;
  registry?: string | null;
  modelId?: string | null;
}

const big = (value: number | null) => (value === null ? null : BigInt(value));
const asJson = (sources: readonly FileSource[]) => sources.map(({ ref, path }) => ({ ref, path }));

/** The pull history in SQLite: one Pull row per pull, one PullFile row per file. */
export class PullStore {
  constructor(private readonly db: Database) {}

  create(id: string, pull: NewPull): Promise<PullWithFiles> {
    const total = pull.files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0);
    const done = pull.files.reduce((sum, file) => sum + file.bytesDone, 0);
    const now = new Date();
    const { files, finishedAt, ...fields } = pull;
    return this.db.pull.create({
      data: {
        ...fields,
        id,
        bytesTotal: BigInt(total),
        bytesDone: BigInt(done),
        heartbeatAt: now,
        startedAt: finishedAt ? now : null,
        finishedAt: finishedAt ?? null,
        files: {
          create: files.map((file) => ({ ...file, sizeBytes: big(file.sizeBytes), bytesDone: BigInt(file.bytesDone) })),
        },
      },
      include: { files: { orderBy: { path: "asc" } } },
    });
  }

  /** One pull with what a GraphQL selection asks for (Pothos's prisma plugin builds `query`). */
  findWith(query: Pick<Prisma.PullFindUniqueArgs, "include" | "select">, id: string) {
    return this.db.pull.findUnique({ ...query, where: { id } });
  }

  /** A page of the history, newest first. */
  list(query: Omit<Prisma.PullFindManyArgs, "where" | "orderBy">, filter: PullFilter) {
    return this.db.pull.findMany({ ...query, where: PullStore.where(filter), orderBy: PullStore.order });
  }

  /**
   * The newest `limit` pulls of each model, in the order of `models`, in one query: the batch a
   * request's DataLoader asks for when it shows many models with their pulls.
   */
  async recentOf(
    models: ReadonlyArray<{ registry: string; modelId: string }>,
    limit: number,
  ): Promise<PullWithFiles[][]> {
    const pulls = await this.db.pull.findMany({
      where: { OR: models.map(({ registry, modelId }) => ({ registry, modelId })) },
      orderBy: PullStore.order,
      include: { files: { orderBy: { path: "asc" } } },
    });
    return models.map(({ registry, modelId }) =>
      pulls.filter((pull) => pull.registry === registry && pull.modelId === modelId).slice(0, limit),
    );
  }

  find(id: string): Promise<PullWithFiles | null> {
    return this.db.pull.findUnique({ where: { id }, include: { files: { orderBy: { path: "asc" } } } });
  }

  async markRunning(id: string): Promise<void> {
    await this.db.pull.update({ where: { id }, data: { status: "RUNNING", startedAt: new Date() } });
  }

  /** The owner's sign of life with its progress; answers whether another process asked it to cancel. */
  async heartbeat(id: string, bytesDone: number): Promise<boolean> {
    const { cancelRequested } = await this.db.pull.update({
      where: { id },
      data: { bytesDone: BigInt(bytesDone), heartbeatAt: new Date() },
      select: { cancelRequested: true },
    });
    return cancelRequested;
  }

  /** Asks the owners of these active pulls to cancel them (they see it at their next heartbeat). */
  async requestCancel(where: { id: string } | { registry: string; modelId: string }): Promise<void> {
    await this.db.pull.updateMany({
      where: { ...where, status: { in: [...ACTIVE_STATUSES] } },
      data: { cancelRequested: true },
    });
  }

  async updateFile(
    id: string,
    path: string,
    data: {
      status: PullFileStatus;
      bytesDone?: number;
      sizeBytes?: number;
      sha256?: string;
      sources?: readonly FileSource[];
    },
  ): Promise<void> {
    await this.db.pullFile.update({
      where: { pullId_path: { pullId: id, path } },
      data: {
        status: data.status,
        ...(data.bytesDone === undefined ? {} : { bytesDone: BigInt(data.bytesDone) }),
        ...(data.sizeBytes === undefined ? {} : { sizeBytes: BigInt(data.sizeBytes) }),
        ...(data.sha256 === undefined ? {} : { sha256: data.sha256 }),
        ...(data.sources === undefined ? {} : { sources: asJson(data.sources) }),
      },
    });
  }

  /**
   * Records a pull's end with each file's bytes; files it did not finish stay PENDING (their
   * partial data is kept for the next pull).
   */
  async finish(id: string, outcome: PullOutcome): Promise<void> {
    const { bytesDone, bytesTotal, files = [], ...fields } = outcome;
    await this.db.$transaction([
      this.db.pull.update({
        where: { id },
        data: {
          ...fields,
          bytesDone: BigInt(bytesDone),
          bytesTotal: BigInt(bytesTotal),
          finishedAt: new Date(),
          owner: null,
        },
      }),
      ...files.map((file) =>
        this.db.pullFile.update({
          where: { pullId_path: { pullId: id, path: file.path } },
          data: { status: file.status, bytesDone: BigInt(file.bytesDone), sources: asJson(file.sources) },
        }),
      ),
    ]);
  }

  /**
   * Marks as INTERRUPTED the pulls left QUEUED or RUNNING by processes that are gone (a crash, a
   * restart, a container that was replaced); another gateway's live pulls on the same database are
   * left to it. Answers their ids.
   */
  async interruptOrphans(): Promise<string[]> {
    const active = await this.db.pull.findMany({
      where: { status: { in: [...ACTIVE_STATUSES] } },
      select: { id: true, owner: true, heartbeatAt: true, createdAt: true },
    });
    const orphans = active.filter((pull) => isOrphaned(pull));
    if (orphans.length === 0) return [];
    const ids = orphans.map((pull) => pull.id);
    // Another replica's sweep may have got there first: only the rows still active count.
    return this.db.$transaction(async (tx) => {
      const still = await tx.pull.findMany({
        where: { id: { in: ids }, status: { in: [...ACTIVE_STATUSES] } },
        select: { id: true },
      });
      await tx.pull.updateMany({
        where: { id: { in: still.map((pull) => pull.id) } },
        data: { status: "INTERRUPTED", finishedAt: new Date(), owner: null },
      });
      return still.map((pull) => pull.id);
    });
  }

  /** The newest successful pull of a model at a requested revision with these patterns, for cache checks. */
  async latestSucceeded(
    registry: string,
    modelId: string,
    requestedRevision: string | null,
    patterns: readonly string[],
  ): Promise<PullWithFiles | null> {
    const recent = await this.db.pull.findMany({
      where: { registry, modelId, requestedRevision, status: "SUCCEEDED" },
      orderBy: PullStore.order,
      take: 20,
      include: { files: true },
    });
    const wanted = JSON.stringify(patterns);
    return recent.find((pull) => JSON.stringify(pull.patterns) === wanted) ?? null;
  }

  /** Where clause of the history query. */
  static where(filter: PullFilter): Prisma.PullWhereInput {
    return {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.registry ? { registry: filter.registry } : {}),
      ...(filter.modelId ? { modelId: filter.modelId } : {}),
    };
  }

  /** Newest first; ties (same millisecond) broken by id, so pages never overlap. */
  static readonly order: Prisma.PullOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "desc" }];
}
