import type { ExecutionProviderName } from "../config.js";
import type { InferenceTarget } from "../services/inference.js";
import { builder } from "./builder.js";

/** The GraphQL name of a provider (CPU) and back (cpu). */
export const toProviderEnum = <T extends ExecutionProviderName | "remote">(name: T) =>
  name.toUpperCase() as Uppercase<T>;
export const fromProviderEnum = <T extends string>(value: T) => value.toLowerCase() as Lowercase<T>;

const PROVIDERS = {
  CUDA: { description: "NVIDIA GPUs through CUDA (needs onnxruntime-node installed with its CUDA 12 libraries)." },
  WEBGPU: { description: "GPUs through WebGPU (Dawn over Vulkan on Linux), bundled with onnxruntime-node." },
  CPU: { description: "The CPU, always bundled." },
  REMOTE: {
    description:
      "A remote server speaking the Open Inference Protocol (INFERENCE_BACKENDS: Triton, KServe, MLServer or another gateway); `backend` names which.",
  },
} satisfies Record<Uppercase<ExecutionProviderName | "remote">, { description: string }>;

export const ExecutionProviderEnum = builder.enumType("ExecutionProvider", {
  description: "An ONNX Runtime execution provider: where a model runs.",
  values: PROVIDERS,
});

export const ExecutionProviderChoiceEnum = builder.enumType("ExecutionProviderChoice", {
  description: "The execution provider an inference asks for.",
  values: {
    AUTO: {
      description:
        "A healthy remote backend that serves the model (INFERENCE_BACKENDS), else the first provider of EXECUTION_PROVIDERS that initialises here and can load the model (default order: CUDA, WEBGPU, CPU).",
    },
    ...PROVIDERS,
  } satisfies Record<Uppercase<InferenceTarget>, { description: string }>,
});
