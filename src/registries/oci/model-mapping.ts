import type { LanguageModelFacts, ModelFormat, ModelInfo } from "../../domain/model.js";
import {
  type ApiImageManifest,
  type ApiModelPackConfig,
  ApiModelPackConfigSchema,
  type ApiOllamaConfig,
  ApiOllamaConfigSchema,
} from "./api-types.js";
import { type ArtifactFile, baseMediaType, CONFIG_PATH, MANIFEST_PATH } from "./layer-files.js";
import type { ResolvedManifest } from "./manifests.js";

/** What a model's config blob says, by the format it is in. */
export type ModelConfig =
  | { kind: "ollama"; config: ApiOllamaConfig }
  | { kind: "modelpack"; config: ApiModelPackConfig };

const MODELPACK_CONFIG = /^application\/vnd\.(cncf|cnai)\.model\.config\.v1\+json$/;
const OLLAMA_LAYER = /^application\/vnd\.ollama\.image\./;

/** Which config format the manifest's config blob is in, or null when the gateway reads none from it. */
export function configKind(manifest: ApiImageManifest): ModelConfig["kind"] | null {
  if (MODELPACK_CONFIG.test(baseMediaType(manifest.config.mediaType))) return "modelpack";
  if (manifest.layers.some((layer) => OLLAMA_LAYER.test(layer.mediaType))) return "ollama";
  return null;
}

/** Reads a config blob as its kind; null when it is not what the manifest says (facts are then unknown). */
export function readConfig(kind: ModelConfig["kind"], json: unknown): ModelConfig | null {
  if (kind === "modelpack") {
    const parsed = ApiModelPackConfigSchema.safeParse(json);
    return parsed.success ? { kind, config: parsed.data } : null;
  }
  const parsed = ApiOllamaConfigSchema.safeParse(json);
  return parsed.success ? { kind, config: parsed.data } : null;
}

/** Formats by file extension, in the order the gateway prefers them: ONNX first, since it runs those. */
const FILE_FORMATS: ReadonlyArray<[ModelFormat, RegExp]> = [
  ["ONNX", /\.onnx$/i],
  ["GGUF", /\.gguf$/i],
  ["SAFETENSORS", /\.safetensors$/i],
  ["PYTORCH", /\.(bin|pt|pth)$/i],
  ["TFLITE", /\.tflite$/i],
  ["KERAS", /\.keras$/i],
  ["TENSORFLOW", /(\.h5|saved_model\.pbt?)$/i],
];
const NAMED_FORMATS: Readonly<Record<string, ModelFormat>> = {
  onnx: "ONNX",
  gguf: "GGUF",
  safetensors: "SAFETENSORS",
  pytorch: "PYTORCH",
  tensorflow: "TENSORFLOW",
  tflite: "TFLITE",
  keras: "KERAS",
  jax: "JAX",
};

export interface InfoSource {
  registry: string;
  resolved: ResolvedManifest;
  files: ArtifactFile[];
  config: ModelConfig | null;
  /** The repository's tags, when the registry lists them. */
  tags: string[] | null;
}

/** A model's info from its manifest, config blob and files; nothing of the registry's raw JSON passes. */
export function toModelInfo({ registry, resolved, files, config, tags }: InfoSource): ModelInfo {
  const { repository, manifest, digest } = resolved;
  const slash = repository.lastIndexOf("/");
  const pack = config?.kind === "modelpack" ? config.config : null;
  const annotations = manifest.annotations ?? {};
  const created = pack?.descriptor?.createdAt ?? annotations["org.opencontainers.image.created"];
  const updatedAt = created ? new Date(created) : null;
  return {
    registry,
    id: repository,
    name: repository.slice(slash + 1),
    author: slash > 0 ? repository.slice(0, slash) : null,
    description: pack?.descriptor?.description ?? annotations["org.opencontainers.image.description"] ?? null,
    task: null,
    tags: [],
    format: formatOf(files, config),
    license: pack?.descriptor?.licenses?.join(", ") || annotations["org.opencontainers.image.licenses"] || null,
    downloads: null,
    likes: null,
    updatedAt: updatedAt && !Number.isNaN(updatedAt.getTime()) ? updatedAt : null,
    sizeBytes: files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0),
    revision: digest,
    files: files.map(({ path, sizeBytes, sha256 }) => ({ path, sizeBytes, sha256 })),
    inputs: null,
    outputs: null,
    opset: null,
    ...(tags !== null && { availableRevisions: tags }),
    languageModel: languageModelOf(config),
  };
}

function formatOf(files: readonly ArtifactFile[], config: ModelConfig | null): ModelFormat {
  const named = config?.kind === "modelpack" ? config.config.config?.format : config?.config.model_format;
  const byName = named ? NAMED_FORMATS[named.toLowerCase()] : undefined;
  if (byName) return byName;
  const paths = files.filter((file) => file.path !== MANIFEST_PATH && file.path !== CONFIG_PATH);
  return FILE_FORMATS.find(([, pattern]) => paths.some((file) => pattern.test(file.path)))?.[0] ?? "OTHER";
}

function languageModelOf(config: ModelConfig | null): LanguageModelFacts | null {
  if (!config) return null;
  const facts: LanguageModelFacts =
    config.kind === "ollama"
      ? {
          family: config.config.model_family || config.config.model_families?.[0] || null,
          parameterSize: config.config.model_type || null,
          quantization: config.config.file_type || null,
          contextLength:
            config.config.context_length && config.config.context_length > 0 ? config.config.context_length : null,
        }
      : {
          family: config.config.descriptor?.family || null,
          parameterSize: config.config.config?.paramSize || null,
          quantization: config.config.config?.quantization || config.config.config?.precision || null,
          contextLength: null,
        };
  return Object.values(facts).some((value) => value !== null) ? facts : null;
}
