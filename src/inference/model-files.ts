import type { ModelFile } from "../domain/model.js";
import type { ModelRef } from "../domain/model-ref.js";

export interface LocateOptions {
  /** Whether a model not on this machine may be pulled first (the mutation's `pull`). */
  pull: boolean;
  /** Whether the caller holds the pull scope; pulling for inference needs it as pullModel does. */
  mayPull: boolean;
  signal: AbortSignal;
}

/**
 * Where inference finds a model's files on this machine. The pull engine implements it
 * (CachedModelFiles): it knows what its cache holds, so listing a cached model need not ask the
 * registry.
 */
export interface ModelFiles {
  /**
   * The model's files, pulled first when it is not cached and `pull` allows, with the reference
   * in its registry's own spelling (use it for `locate` and history).
   */
  list(ref: ModelRef, options: LocateOptions): Promise<{ ref: ModelRef; files: ModelFile[] }>;
  /** The absolute path of one of those files. */
  locate(ref: ModelRef, file: ModelFile, options: LocateOptions): Promise<string>;
}
