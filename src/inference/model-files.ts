import { ModelNotCached } from "../errors.js";
import { formatModelRef, type ModelRef } from "../model-ref.js";
import type { RegistrySet } from "../registries/registry-set.js";
import type { ModelFile, ModelManager } from "../registries/types.js";
import type { RegistryCalls } from "../services/registry-calls.js";

export interface LocateOptions {
  /** Whether a model not on this machine may be pulled first (the mutation's `pull`). */
  pull: boolean;
  signal: AbortSignal;
}

/**
 * Where inference finds a model's files on this machine. The pull engine plugs in here: it knows
 * what its cache holds, so listing a cached model need not ask the registry.
 */
export interface ModelFiles {
  /** The model's files, pulled first when it is not cached and `pull` allows. */
  list(ref: ModelRef, options: LocateOptions): Promise<ModelFile[]>;
  /** The absolute path of one of those files. */
  locate(ref: ModelRef, file: ModelFile, options: LocateOptions): Promise<string>;
}

/**
 * Today's files: those registries already keep on this machine (the local folder), listed by the
 * registry itself under REGISTRY_TIMEOUT_MS. Other registries' models need the pull engine,
 * which is not plugged in yet.
 */
export class RegistryModelFiles implements ModelFiles {
  constructor(
    private readonly registries: RegistrySet,
    private readonly calls: RegistryCalls,
  ) {}

  async list(ref: ModelRef, options: LocateOptions): Promise<ModelFile[]> {
    const manager = this.onThisMachine(ref, options);
    const listing = await this.calls.run(manager, this.calls.deadline(options.signal), (deadline) =>
      manager.listModelFiles(ref, deadline),
    );
    return listing.files;
  }

  async locate(ref: ModelRef, file: ModelFile, options: LocateOptions): Promise<string> {
    return this.onThisMachine(ref, options).localPath(ref, file);
  }

  private onThisMachine(ref: ModelRef, { pull }: LocateOptions): LocalManager {
    const manager = this.registries.get(ref.registry);
    if (isLocal(manager)) return manager;
    const details = { registry: ref.registry, ref: formatModelRef(ref) };
    if (!pull) {
      throw new ModelNotCached(
        `Model ${details.ref} is not in the local cache and pull is false; run it with pull: true to fetch it first.`,
        details,
      );
    }
    throw new ModelNotCached(
      `Model ${details.ref} is not in the local cache, and this gateway cannot pull models from ${ref.registry} yet.`,
      details,
    );
  }
}

type LocalManager = ModelManager & Required<Pick<ModelManager, "localPath">>;

const isLocal = (manager: ModelManager): manager is LocalManager => manager.localPath !== undefined;
