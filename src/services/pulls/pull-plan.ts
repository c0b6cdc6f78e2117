import type { CacheStore } from "../../cache/cache-store.js";
import type { ModelDir } from "../../cache/model-dir.js";
import { safePathSegments, unsafePathReason } from "../../cache/safe-path.js";
import type { ArtifactIndex } from "../../db/artifact-index.js";
import { InsufficientStorage, IntegrityError, InvalidInput } from "../../domain/errors.js";
import type { ModelFile } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import type { RegistrySet } from "../../registries/registry-set.js";
import type { ModelManager } from "../../registries/types.js";
import type { RegistryCalls } from "../registry-calls.js";
import { selectFiles } from "./file-selection.js";

export interface PlannedFile extends ModelFile {
  /** Already in the model's snapshot, verified when it was pulled. */
  cached: boolean;
}

/** Everything a pull needs to know before it starts, worked out while the client waits. */
export interface PullPlan {
  ref: ModelRef;
  manager: ModelManager;
  /** The ref at the resolved revision, so every file comes from the same commit. */
  pinned: ModelRef;
  resolvedRevision: string | null;
  /** The model's cache folder; null for registries whose files are already local. */
  dir: ModelDir | null;
  /** The snapshot folder (the resolved revision) and the branch name that will point at it. */
  snapshot: string;
  branch: string;
  patterns: string[];
  files: PlannedFile[];
}

export interface PlanDeps {
  registries: RegistrySet;
  calls: RegistryCalls;
  store: CacheStore;
  artifacts: ArtifactIndex;
}

/** The branch a reference without a revision names, as in the Hugging Face cache. */
export const DEFAULT_BRANCH = "main";
const SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * Lists the model's files at a resolved revision, refuses unsafe paths before anything touches
 * the disk, selects the files asked for, finds those already cached, and checks there is room
 * for the rest (INSUFFICIENT_STORAGE).
 */
export async function planPull(
  deps: PlanDeps,
  ref: ModelRef,
  patterns: readonly string[] | null,
  force: boolean,
  signal: AbortSignal,
): Promise<PullPlan> {
  const manager = deps.registries.get(ref.registry);
  // The id and branch name folders of the cache: refuse what cannot before asking the registry.
  const dir = manager.localPath ? null : deps.store.modelDir(ref.registry, ref.id);
  const branch = ref.revision ?? DEFAULT_BRANCH;
  const reason = unsafePathReason(branch);
  if (reason !== null) {
    throw new InvalidInput(`The revision ${JSON.stringify(branch)} cannot name a cache folder: ${reason}.`, {
      field: "ref",
    });
  }
  const listing = await deps.calls.run(manager, deps.calls.deadline(signal), (deadline) =>
    manager.listModelFiles(ref, deadline),
  );
  // A registry that publishes no hash (MLflow, Kaggle) is held to the one an earlier pull of the
  // same revision computed and verified: a file that changed under its version fails INTEGRITY_ERROR.
  const verified = listing.files.some((file) => file.sha256 === null)
    ? await deps.artifacts.verifiedHashes(ref.registry, ref.id, listing.revision)
    : new Map<string, string>();
  const unique = new Map<string, ModelFile>();
  for (const listed of listing.files) {
    const file = { ...listed, sha256: listed.sha256 ?? verified.get(listed.path) ?? null };
    safePathSegments(manager.name, file.path);
    if (file.sha256 !== null && !SHA256.test(file.sha256)) {
      throw new IntegrityError(
        `Registry ${manager.name} listed ${JSON.stringify(file.sha256)} as the sha256 of ${file.path}, which is not one.`,
        {
          registry: manager.name,
          ref: formatModelRef(ref),
          path: file.path,
        },
      );
    }
    if (!unique.has(file.path)) unique.set(file.path, file);
  }
  const selection = selectFiles([...unique.values()], patterns);
  const snapshot = listing.revision ?? branch;
  safePathSegments(manager.name, snapshot); // the registry's revision names the snapshot folder
  const plan: PullPlan = {
    ref,
    manager,
    pinned: { ...ref, revision: listing.revision ?? ref.revision },
    resolvedRevision: listing.revision,
    dir,
    snapshot,
    branch,
    patterns: selection.patterns,
    files: selection.files.map((file) => ({ ...file, cached: true })),
  };
  if (dir === null) return plan;
  plan.files = await Promise.all(
    selection.files.map(async (file) => ({
      ...file,
      cached: !force && (await isInSnapshot(deps.store, dir, snapshot, file)),
    })),
  );
  await checkFreeSpace(deps.store, dir, plan.files, formatModelRef(ref));
  return plan;
}

async function isInSnapshot(store: CacheStore, dir: ModelDir, snapshot: string, file: ModelFile): Promise<boolean> {
  const entry = await store.snapshotEntry(dir, snapshot, file.path);
  if (!entry) return false;
  if (file.sizeBytes !== null && entry.sizeBytes !== file.sizeBytes) return false;
  return file.sha256 === null || entry.sha256 === file.sha256.toLowerCase();
}

/** Counts the files still to download, less blobs the model already holds; sizes a registry omits count as 0. */
async function checkFreeSpace(store: CacheStore, dir: ModelDir, files: PlannedFile[], ref: string): Promise<void> {
  const sizes = await Promise.all(
    files.map(async (file) => {
      if (file.cached || file.sizeBytes === null) return 0;
      const present = file.sha256 ? await store.blobSize(dir, file.sha256.toLowerCase()) : null;
      return present === null ? file.sizeBytes : 0;
    }),
  );
  const needed = sizes.reduce((sum, size) => sum + size, 0);
  const free = await store.freeBytes();
  if (needed > free) throw new InsufficientStorage(needed, free, { ref });
}
