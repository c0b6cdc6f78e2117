import { GatewayError, ModelNotCached, UnsupportedModelFormat } from "../../domain/errors.js";
import type { ModelFile } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import type { LocateOptions, ModelFiles } from "../../inference/model-files.js";
import type { RegistrySet } from "../../registries/registry-set.js";
import { canonicalRef } from "../canonical-ref.js";
import type { ModelCache } from "../model-cache.js";
import type { RegistryCalls } from "../registry-calls.js";
import type { PullService } from "./pull-service.js";

const isOnnx = (file: ModelFile) => file.path.toLowerCase().endsWith(".onnx");

/**
 * Inference's view of a model's files, backed by the cache. A model of the local folder is listed
 * by its registry and read where it lies. Any other is listed from its cached snapshot without a
 * registry call, and when that holds no ONNX file its inference files are pulled first (if
 * `pull` allows), so a cached model runs with its registry unreachable.
 */
export class CachedModelFiles implements ModelFiles {
  constructor(
    private readonly registries: RegistrySet,
    private readonly calls: RegistryCalls,
    private readonly pulls: PullService,
    private readonly cache: ModelCache,
  ) {}

  async list(
    asked: ModelRef,
    { pull, mayPull, signal }: LocateOptions,
  ): Promise<{ ref: ModelRef; files: ModelFile[] }> {
    const manager = this.registries.get(asked.registry);
    if (manager.localPath) {
      const listing = await this.calls.run(manager, this.calls.deadline(signal), (deadline) =>
        manager.listModelFiles(asked, deadline),
      );
      return { ref: asked, files: listing.files };
    }
    const ref = await canonicalRef(this.registries, this.calls, asked, signal);
    const cached = await this.cache.cachedFiles(ref);
    if (cached?.some(isOnnx)) return { ref, files: cached };
    if (!pull) {
      throw new ModelNotCached(
        `Model ${formatModelRef(ref)} is not in the local cache and pull is false; run it with pull: true to fetch it first.`,
        { registry: ref.registry, ref: formatModelRef(ref) },
      );
    }
    if (!mayPull) {
      throw new GatewayError(
        "FORBIDDEN",
        `Model ${formatModelRef(ref)} is not cached, and pulling it needs the pull scope, which this API key does not have; pull it with a key that has it, or pass pull: false.`,
        { ref: formatModelRef(ref), field: "pull" },
      );
    }
    // Refuse a model with no ONNX graph before pulling gigabytes of GGUF or safetensors for nothing.
    const listing = await this.calls.run(manager, this.calls.deadline(signal), (deadline) =>
      manager.listModelFiles(ref, deadline),
    );
    if (!listing.files.some(isOnnx))
      throw new UnsupportedModelFormat(formatModelRef(ref), formatOfFiles(listing.files));
    await this.pulls.ensureCached(ref, null, signal);
    return { ref, files: (await this.cache.cachedFiles(ref)) ?? [] };
  }

  async locate(ref: ModelRef, file: ModelFile): Promise<string> {
    const path = await this.cache.localFile(ref, file.path);
    if (path !== null) return path;
    throw new ModelNotCached(`${file.path} of ${formatModelRef(ref)} is not in the local cache.`, {
      registry: ref.registry,
      ref: formatModelRef(ref),
    });
  }
}

/** What a model without an ONNX graph is, from its files' extensions, for the refusal's message. */
function formatOfFiles(files: readonly ModelFile[]): string {
  const names = files.map((file) => file.path.toLowerCase());
  const has = (pattern: RegExp) => names.some((name) => pattern.test(name));
  if (has(/\.gguf$/)) return "GGUF";
  if (has(/\.safetensors$/)) return "safetensors";
  if (has(/\.tflite$/)) return "TensorFlow Lite";
  if (has(/\.(bin|pt|pth)$/)) return "PyTorch";
  if (has(/\.(h5|keras|pb)$/)) return "TensorFlow/Keras";
  return "non-ONNX";
}
