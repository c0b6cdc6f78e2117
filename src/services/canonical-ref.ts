import type { ModelRef } from "../domain/model-ref.js";
import type { RegistrySet } from "../registries/registry-set.js";
import type { RegistryCalls } from "./registry-calls.js";

/**
 * A reference in its registry's own spelling (`onnx-zoo:mnist` is `onnx-zoo:MNIST`), asked of
 * the registries that match ids loosely, under the registry deadline; others' refs are kept.
 */
export async function canonicalRef(
  registries: RegistrySet,
  calls: RegistryCalls,
  ref: ModelRef,
  signal: AbortSignal,
): Promise<ModelRef> {
  const manager = registries.get(ref.registry);
  const canonical = manager.canonicalRef?.bind(manager);
  if (!canonical) return ref;
  return calls.run(manager, calls.deadline(signal), (deadline) => canonical(ref, deadline));
}
