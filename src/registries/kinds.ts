import { huggingfaceKind } from "./hf/kind.js";
import { kaggleKind } from "./kaggle/kind.js";
import { localFolderKind } from "./local/kind.js";
import { mlflowKind } from "./mlflow/kind.js";
import { modelScopeKind } from "./modelscope/kind.js";
import { ociKind } from "./oci/kind.js";
import { onnxZooKind } from "./onnx-zoo/kind.js";
import type { RegistryKind } from "./registry-kind.js";

/**
 * Every kind of registry the gateway speaks to: the one map from a kind's name to its strategy.
 * Adding a kind adds its folder under src/registries/, its entry here, and its tests.
 */
export const REGISTRY_KINDS: Readonly<Record<string, RegistryKind>> = Object.freeze(
  Object.fromEntries(
    [localFolderKind, huggingfaceKind, onnxZooKind, mlflowKind, kaggleKind, modelScopeKind, ociKind].map((kind) => [
      kind.kind,
      kind,
    ]),
  ),
);
