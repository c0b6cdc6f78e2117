/**
 * What the gateway knows of a model, whatever registry it comes from: formats, files, summaries,
 * full info, access, and the filters and sorts a search takes. Registries convert their own wire
 * formats into these where the data enters; nothing above them sees a registry's raw JSON.
 */
import type { TensorSpec } from "./tensors.js";

/** The weight format a model is published in (the schema describes each). */
export type ModelFormat =
  | "ONNX"
  | "SAFETENSORS"
  | "PYTORCH"
  | "TENSORFLOW"
  | "TFLITE"
  | "TFJS"
  | "KERAS"
  | "JAX"
  | "GGUF"
  | "OTHER";

export interface ModelFile {
  /** Path inside the model, with forward slashes. */
  path: string;
  sizeBytes: number | null;
  /** Lower-case hex sha256, when the registry gives one. */
  sha256: string | null;
}

/** What a search result knows about a model; the rest is loaded with getModelInfos when asked for. */
export interface ModelSummary {
  registry: string;
  id: string;
  name: string;
  author: string | null;
  description: string | null;
  task: string | null;
  tags: string[];
  format: ModelFormat;
  license: string | null;
  downloads: number | null;
  likes: number | null;
  updatedAt: Date | null;
  sizeBytes: number | null;
  /** Set when the search already knows the model's full info (local folder, zoo manifest). */
  info?: ModelInfo;
  /** Set by a strategy that serves its own stored copy because its source is unreachable. */
  stale?: boolean;
  /**
   * The revision a search result's reference names, when it is not the registry's default (a zoo
   * model found through an opset filter, at the highest opset in the range).
   */
  refRevision?: string;
  /** Who may download it, when the registry knows without another call (see AccessStatus). */
  accessStatus?: AccessStatus;
  /** How a gated model grants access; null when it is not gated. */
  gateKind?: GateKind | null;
  /** The model's page on the registry's website (where gated models are requested). */
  pageUrl?: string | null;
}

/** Whether a gated model's access requests are approved automatically or by its authors. */
export type GateKind = "AUTOMATIC" | "MANUAL";

export type AccessStatus = "PUBLIC" | "GATED" | "PRIVATE" | "REQUIRES_TOKEN" | "DENIED";

export interface ModelInfo extends Omit<ModelSummary, "info" | "refRevision"> {
  /** The resolved revision (a commit where the registry has one). */
  revision: string | null;
  files: ModelFile[];
  inputs: TensorSpec[] | null;
  outputs: TensorSpec[] | null;
  opset: number | null;
  /** ONNX producer ("pytorch 2.3"), IR version, doc string and metadata properties, when known. */
  producer?: string | null;
  irVersion?: number | null;
  docString?: string | null;
  metadataProps?: Record<string, string>;
  /** Why the model cannot be used (a truncated or non-ONNX file); absent when it is sound. */
  brokenReason?: string | null;
  accessStatus?: AccessStatus;
  /** Revisions the registry offers for this model (opsets in the ONNX Model Zoo). */
  availableRevisions?: string[];
  /** The ONNX release the model was exported with, where the registry says (the zoo's onnx_version). */
  onnxVersion?: string | null;
  /** How the registry registered this version (MLflow), where it has such a process. */
  registration?: ModelRegistration | null;
  /** A language model's configuration facts (OCI/Ollama config blobs, GGUF metadata). */
  languageModel?: LanguageModelFacts | null;
}

/** How a registry with a release process (MLflow) registered this version of a model. */
export interface ModelRegistration {
  /** READY versions can be pulled; PENDING and FAILED ones cannot (MODEL_NOT_READY). */
  status: "READY" | "PENDING" | "FAILED";
  statusMessage: string | null;
  /** The training run that produced it, where the registry tracks runs. */
  runId: string | null;
  /** Where its artifacts were registered from (an artifact URI). */
  source: string | null;
}

/** What a language model's own configuration says of it (an Ollama or GGUF model's config). */
export interface LanguageModelFacts {
  /** The architecture family ("llama", "qwen2"). */
  family: string | null;
  /** Its size as published ("8.0B", "1B"). */
  parameterSize: string | null;
  /** The quantization of its weights ("Q4_K_M", "F16"). */
  quantization: string | null;
  /** The longest context it was trained for, in tokens. */
  contextLength: number | null;
}

export const MODEL_SORTS = ["RELEVANCE", "DOWNLOADS", "LIKES", "UPDATED", "NAME"] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

export interface NumberRange {
  min?: number | null;
  max?: number | null;
}

/** Filters each registry applies as far as it can. */
export interface ModelFilter {
  task?: string | null;
  tags?: string[] | null;
  format?: ModelFormat | null;
  author?: string | null;
  library?: string | null;
  sizeBytes?: NumberRange | null;
  opset?: NumberRange | null;
}
