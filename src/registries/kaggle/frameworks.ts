import type { ModelFormat } from "../../domain/model.js";

/**
 * Kaggle's ModelFramework enum. Requests name a framework by its proto name, as the Kaggle SDK
 * serialises enums (`MODEL_FRAMEWORK_TF_LITE`); Kaggle's answers, its web addresses and kagglehub's
 * handles use the short name (`tfLite`). Each framework's weights are in one of the gateway's formats.
 */
export interface Framework {
  /** The enum value's name, as requests carry it. */
  readonly protoName: string;
  /** The short name of handles, URLs and answers (`tensorFlow2`). */
  readonly shortName: string;
  readonly format: ModelFormat;
}

const TABLE: ReadonlyArray<[protoSuffix: string, format: ModelFormat]> = [
  ["TENSOR_FLOW_1", "TENSORFLOW"],
  ["TENSOR_FLOW_2", "TENSORFLOW"],
  ["TF_LITE", "TFLITE"],
  ["TF_JS", "TFJS"],
  ["PY_TORCH", "PYTORCH"],
  ["JAX", "JAX"],
  ["FLAX", "JAX"],
  ["PAX", "JAX"],
  ["MAX_TEXT", "JAX"],
  ["GEMMA_CPP", "OTHER"],
  // GGML files predate GGUF and are not readable as it.
  ["GGML", "OTHER"],
  ["GGUF", "GGUF"],
  // Coral's Edge TPU models are TensorFlow Lite files.
  ["CORAL", "TFLITE"],
  ["SCIKIT_LEARN", "OTHER"],
  ["MXNET", "OTHER"],
  ["ONNX", "ONNX"],
  ["KERAS", "KERAS"],
  // Hugging Face checkpoints: safetensors or PyTorch pickles, which the framework does not say.
  ["TRANSFORMERS", "OTHER"],
  ["API", "OTHER"],
  ["OTHER", "OTHER"],
  ["TENSOR_RT_LLM", "OTHER"],
  ["TRITON", "OTHER"],
];

const PREFIX = "MODEL_FRAMEWORK_";

/** `TENSOR_FLOW_2` → `tensorFlow2`, as kagglehub writes an enum value (its enum_to_str). */
function shortNameOf(suffix: string): string {
  return suffix
    .toLowerCase()
    .split("_")
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join("");
}

export const FRAMEWORKS: readonly Framework[] = TABLE.map(([suffix, format]) =>
  Object.freeze({ protoName: PREFIX + suffix, shortName: shortNameOf(suffix), format }),
);

/** Compared without case and underscores, with or without the enum's prefix (as the SDK's parser does). */
const key = (name: string) =>
  name
    .toLowerCase()
    .replace(/_/g, "")
    .replace(/^modelframework/, "");

const BY_KEY = new Map(FRAMEWORKS.map((framework) => [key(framework.shortName), framework]));

/** The framework a name stands for (`tfLite`, `tflite`, `MODEL_FRAMEWORK_TF_LITE`); null when Kaggle has none of that name. */
export function findFramework(name: string): Framework | null {
  return BY_KEY.get(key(name)) ?? null;
}
