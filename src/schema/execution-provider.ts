/**
 * `ExecutionProvider` and `ExecutionProviderChoice`: where a model runs, and the names between
 * the API's enum (CPU) and the engine's (cpu).
 */
import type { ExecutionProviderName } from "../config.js";
import type { InferenceTarget } from "../services/inference.js";
import { describedEnum } from "./described-enum.js";

/** The GraphQL name of a provider (CPU) and back (cpu). */
export const toProviderEnum = <T extends ExecutionProviderName | "remote">(name: T) =>
  name.toUpperCase() as Uppercase<T>;
export const fromProviderEnum = <T extends string>(value: T) => value.toLowerCase() as Lowercase<T>;

const PROVIDERS = {
  CUDA: "NVIDIA GPUs through CUDA (needs onnxruntime-node installed with its CUDA 12 libraries).",
  WEBGPU: "GPUs through WebGPU (Dawn over Vulkan on Linux), bundled with onnxruntime-node.",
  CPU: "The CPU, always bundled.",
  REMOTE:
    "A remote server speaking the Open Inference Protocol (INFERENCE_BACKENDS: Triton, KServe, MLServer or another gateway); `backend` names which.",
} satisfies Record<Uppercase<ExecutionProviderName | "remote">, string>;

export const ExecutionProviderEnum = describedEnum(
  "ExecutionProvider",
  "An ONNX Runtime execution provider: where a model runs.",
  PROVIDERS,
);

export const ExecutionProviderChoiceEnum = describedEnum(
  "ExecutionProviderChoice",
  "The execution provider an inference asks for.",
  {
    AUTO: "A healthy remote backend that serves the model (INFERENCE_BACKENDS), else the first provider of EXECUTION_PROVIDERS that initialises here and can load the model (default order: CUDA, WEBGPU, CPU).",
    ...PROVIDERS,
  } satisfies Record<Uppercase<InferenceTarget>, string>,
);
