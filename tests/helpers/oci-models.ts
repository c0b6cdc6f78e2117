import { typedModel } from "./inference-models.js";
import type { ImageSpec } from "./oci-push.js";

/**
 * Models in the layouts real tools push: Ollama's (a Docker manifest v2 whose layers carry
 * Ollama's media types and whose config holds model_format, model_family…), ORAS's (an OCI
 * artifact whose layers are named by their title annotation) and CNCF ModelPack's.
 */

/** A GGUF file as far as its header goes (magic, version 3, no tensors), then filler: not a real model. */
export function fakeGguf(sizeBytes: number): Buffer {
  const bytes = Buffer.alloc(sizeBytes);
  bytes.write("GGUF", 0, "latin1");
  bytes.writeUInt32LE(3, 4);
  for (let i = 24; i < sizeBytes; i++) bytes[i] = (i * 31) % 251;
  return bytes;
}

export interface OllamaModelOptions {
  family?: string;
  parameterSize?: string;
  quantization?: string;
  contextLength?: number;
  weightsBytes?: number;
}

export const TEMPLATE = "{{ if .System }}<|system|>{{ .System }}{{ end }}<|user|>{{ .Prompt }}<|assistant|>";
export const PARAMS = JSON.stringify({ stop: ["<|user|>"], temperature: 0.7 });

/** An Ollama model as `ollama push` writes it: config, GGUF weights, template and parameters. */
export function ollamaModel(options: OllamaModelOptions = {}): ImageSpec {
  const config = {
    model_format: "gguf",
    model_family: options.family ?? "llama",
    model_families: [options.family ?? "llama"],
    model_type: options.parameterSize ?? "1B",
    file_type: options.quantization ?? "Q4_K_M",
    ...(options.contextLength !== undefined && { context_length: options.contextLength }),
    architecture: "amd64",
    os: "linux",
    rootfs: { type: "layers", diff_ids: [] },
  };
  return {
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: { mediaType: "application/vnd.docker.container.image.v1+json", bytes: Buffer.from(JSON.stringify(config)) },
    layers: [
      { mediaType: "application/vnd.ollama.image.model", bytes: fakeGguf(options.weightsBytes ?? 96 * 1024) },
      { mediaType: "application/vnd.ollama.image.template", bytes: Buffer.from(TEMPLATE) },
      { mediaType: "application/vnd.ollama.image.params", bytes: Buffer.from(PARAMS) },
    ],
  };
}

/** The ONNX graph the artifact holds: y = x + x over a [2, 3] FLOAT32 tensor. */
export const ONNX_GRAPH = Buffer.from(typedModel("FLOAT32"));

/** An ONNX model as `oras push <ref> model.onnx:application/vnd.onnx` writes it (empty config, titled layer). */
export function onnxArtifact(): ImageSpec {
  return {
    artifactType: "application/vnd.onnx.model",
    config: { mediaType: "application/vnd.oci.empty.v1+json", bytes: Buffer.from("{}") },
    layers: [
      {
        mediaType: "application/vnd.onnx",
        bytes: ONNX_GRAPH,
        annotations: { "org.opencontainers.image.title": "model.onnx" },
      },
      {
        mediaType: "application/vnd.oci.image.layer.v1.tar",
        bytes: Buffer.from('{"labels":["a","b"]}'),
        annotations: { "org.opencontainers.image.title": "labels.json" },
      },
    ],
  };
}

/** A CNCF ModelPack model: its config names family, size and quantization; raw weight layers keep their titles. */
export function modelPackModel(): ImageSpec {
  const config = {
    descriptor: { family: "qwen2", name: "qwen2-0.5b", licenses: ["Apache-2.0"], createdAt: "2025-03-01T00:00:00Z" },
    config: { architecture: "transformer", format: "gguf", paramSize: "0.5b", quantization: "Q8_0" },
    modelfs: { type: "layers", diff_ids: [] },
  };
  return {
    artifactType: "application/vnd.cncf.model.manifest.v1+json",
    config: { mediaType: "application/vnd.cncf.model.config.v1+json", bytes: Buffer.from(JSON.stringify(config)) },
    layers: [
      {
        mediaType: "application/vnd.cncf.model.weight.v1.raw",
        bytes: fakeGguf(4096),
        annotations: { "org.opencontainers.image.title": "qwen2-0.5b-q8_0.gguf" },
      },
      {
        mediaType: "application/vnd.cncf.model.weight.config.v1.tar",
        bytes: Buffer.alloc(1024, 1),
        annotations: { "org.opencontainers.image.title": "tokenizer.json" },
      },
    ],
  };
}
