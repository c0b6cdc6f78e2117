import { stat } from "node:fs/promises";
import type { CacheStore } from "../cache/cache-store.js";
import type { CachedModelUsage } from "../cache/cache-usage.js";
import { unsafePathReason } from "../cache/safe-path.js";
import type { Dependencies } from "../coordination/dependencies.js";
import { InvalidInput, ModelNotCached } from "../domain/errors.js";
import type { ModelFile } from "../domain/model.js";
import { formatModelRef, type ModelRef } from "../domain/model-ref.js";
import { chooseModelFile } from "../inference/choose-model-file.js";
import { FileFacts } from "../onnx/file-facts.js";
import type { OnnxMetadata } from "../onnx/read-metadata.js";
import type { RegistrySet } from "../registries/registry-set.js";
import { DEFAULT_BRANCH } from "./pulls/pull-plan.js";
import type { PullService } from "./pulls/pull-service.js";

export interface CacheReport {
  totalBytes: number;
  freeBytes: number;
  models: CachedModelUsage[];
}

export interface RemovedModel {
  ref: string;
  bytesFreed: number;
  files: number;
}

/**
 * The model cache as the rest of the gateway sees it: whether a model is there, where a cached
 * file lies (for inference), what the cache holds, and removing a model from it. Models of the
 * local folder registry are always "cached": their files are already on this machine.
 */
export class ModelCache {
  private readonly facts = new FileFacts();

  constructor(
    private readonly registries: RegistrySet,
    private readonly store: CacheStore,
    private readonly pulls: PullService,
    /** A store replicas share must be reachable before a model is removed from it. */
    private readonly dependencies: Pick<Dependencies, "assertAvailable">,
  ) {}

  /** Whether a pull of the model at this reference's revision (default: main) has succeeded and is still in place. */
  async isCached(ref: ModelRef): Promise<boolean> {
    if (this.registries.get(ref.registry).localPath) return true;
    try {
      const dir = this.store.modelDir(ref.registry, ref.id);
      return (await this.store.resolveRef(dir, ref.revision ?? DEFAULT_BRANCH)) !== null;
    } catch {
      return false; // an id that cannot name a cache folder was never cached
    }
  }

  /** The files of the snapshot a reference names (default branch: main), or null when none is cached. */
  async cachedFiles(ref: ModelRef): Promise<ModelFile[] | null> {
    const dir = this.store.modelDir(ref.registry, ref.id);
    const snapshot = await this.store.resolveRef(dir, ref.revision ?? DEFAULT_BRANCH);
    return snapshot === null ? null : this.store.snapshotFiles(dir, snapshot);
  }

  /**
   * The absolute path of one cached file of a model (in its snapshot folder, so files that an
   * ONNX graph refers to by relative path sit beside it), or null when it is not cached. With a
   * shared store the snapshot is brought to this machine first, unless `fetch` is false.
   */
  async localFile(ref: ModelRef, path: string, fetch = true): Promise<string | null> {
    const manager = this.registries.get(ref.registry);
    if (unsafePathReason(path) !== null) return null;
    if (manager.localPath) return manager.localPath(ref, { path, sizeBytes: null, sha256: null }).catch(() => null);
    if (!(await this.isCached(ref))) return null;
    const dir = this.store.modelDir(ref.registry, ref.id);
    const snapshot = (await this.store.resolveRef(dir, ref.revision ?? DEFAULT_BRANCH)) as string;
    const local = await this.store.localFile(dir, snapshot, path, fetch);
    if (local !== null) await this.store.touch(dir);
    return local;
  }

  /**
   * The signature and metadata of a cached model's ONNX file (the one inference would run), for
   * registries that publish none: read from the protobuf once per file version; null when the
   * model is not cached, has no single ONNX file, or the file is unreadable (or, with a shared
   * store, not on this machine yet: a model query never downloads a model).
   */
  async signature(ref: ModelRef): Promise<OnnxMetadata | null> {
    if (this.registries.get(ref.registry).localPath) return null;
    const files = await this.cachedFiles(ref).catch(() => null);
    if (!files) return null;
    let path: string | null;
    try {
      path = await this.localFile(ref, chooseModelFile(formatModelRef(ref), files, null).path, false);
    } catch {
      return null;
    }
    if (!path) return null;
    const facts = await this.facts.onnx(path, await stat(path));
    return "metadata" in facts ? facts.metadata : null;
  }

  async report(): Promise<CacheReport> {
    const [usage, freeBytes] = await Promise.all([this.store.usage(), this.store.freeBytes()]);
    return { ...usage, freeBytes };
  }

  /** Removes a model's folder (after cancelling its pulls); blobs other models share stay. */
  async remove(ref: ModelRef): Promise<RemovedModel> {
    const text = formatModelRef({ ...ref, revision: null });
    if (this.registries.get(ref.registry).localPath) {
      throw new InvalidInput(`${text} lives in the local model folder, which the gateway never deletes from.`, {
        field: "ref",
      });
    }
    if (ref.revision !== null) {
      throw new InvalidInput(`removeModel removes every revision of a model; name it without @${ref.revision}.`, {
        field: "ref",
      });
    }
    await this.dependencies.assertAvailable();
    const dir = this.store.modelDir(ref.registry, ref.id);
    if (!(await this.store.hasModel(dir))) {
      throw new ModelNotCached(`${text} is not in the cache.`, { ref: text });
    }
    await this.pulls.cancelModelPulls(ref);
    return { ref: text, ...(await this.store.removeModel(dir)) };
  }
}
