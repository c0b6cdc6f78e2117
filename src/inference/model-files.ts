import { ModelNotCached } from "../errors.js";
import { formatModelRef, type ModelRef } from "../model-ref.js";
import type { RegistrySet } from "../registries/registry-set.js";
import type { ModelFile } from "../registries/types.js";

export interface LocateOptions {
  /** Whether a file not on this machine may be pulled first (the mutation's `pull`). */
  pull: boolean;
  signal: AbortSignal;
}

/** Where inference finds a model's files on this machine. The pull engine plugs in here. */
export interface ModelFiles {
  /** The absolute path of `file` of `ref`, pulled first when it is not cached and `pull` allows. */
  locate(ref: ModelRef, file: ModelFile, options: LocateOptions): Promise<string>;
}

/**
 * Today's files: the ones registries already keep on this machine (the local folder). Models of
 * other registries need the pull engine, which is not plugged in yet.
 */
export class RegistryModelFiles implements ModelFiles {
  constructor(private readonly registries: RegistrySet) {}

  async locate(ref: ModelRef, file: ModelFile, { pull }: LocateOptions): Promise<string> {
    const manager = this.registries.get(ref.registry);
    if (manager.localPath) return manager.localPath(ref, file);
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
