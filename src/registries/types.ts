/**
 * The domain types every registry strategy produces and the ModelManager contract it implements.
 * Registries convert their own wire formats into these where the data enters; nothing above this
 * layer sees a registry's raw JSON.
 */
import type { ModelRef } from "../model-ref.js";

export const MODEL_FORMATS = [
  "ONNX",
  "SAFETENSORS",
  "PYTORCH",
  "TENSORFLOW",
  "TFLITE",
  "TFJS",
  "KERAS",
  "JAX",
  "GGUF",
  "OTHER",
] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export const ELEMENT_TYPES = [
  "FLOAT32",
  "FLOAT16",
  "BFLOAT16",
  "FLOAT64",
  "INT64",
  "INT32",
  "INT16",
  "INT8",
  "UINT64",
  "UINT32",
  "UINT16",
  "UINT8",
  "BOOL",
  "STRING",
  "COMPLEX64",
  "COMPLEX128",
] as const;
export type ElementType = (typeof ELEMENT_TYPES)[number];

/** A fixed size, or the name of a symbolic dimension ("batch"); "?" when the model leaves it open. */
export type Dimension = number | string;

export interface TensorSpec {
  name: string;
  elementType: ElementType | null;
  /** null when the model does not state the rank. */
  shape: Dimension[] | null;
}

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

export interface SearchParams {
  query: string | null;
  filter: ModelFilter;
  sort: ModelSort;
  /** Page size; the registry may return fewer. */
  limit: number;
  /** The registry's own cursor from a previous page's nextCursor; null for the first page. */
  cursor: string | null;
}

export interface SearchPage {
  items: ModelSummary[];
  /** Opaque to the gateway; null when there are no more results. */
  nextCursor: string | null;
}

/** Where the pull engine gets one file from. */
export interface FileDownload {
  url: string;
  /** Headers for the registry's own host only (credentials never follow a redirect elsewhere). */
  headers: Record<string, string>;
  sizeBytes: number | null;
  sha256: string | null;
  /**
   * For a registry whose download endpoint is an RPC (Kaggle's API takes a POST with a JSON body
   * and redirects to its storage): the method and body of the first request. Like the headers, the
   * body goes to the registry's own origin only; a redirect continues with a bodiless GET. A plain
   * GET when absent.
   */
  request?: { method: "POST"; body: string };
}

/** The files of one model at one resolved revision. */
export interface ModelFileList {
  revision: string | null;
  files: ModelFile[];
}

/** What the registry says of its own rate-limit window, for clients to pace themselves. */
export interface RegistryQuota {
  remaining: number | null;
  limit: number | null;
  resetsAt: Date | null;
  /** Length of the registry's rate-limit window, when it says. */
  windowSeconds?: number | null;
  /** When the registry last made the gateway wait for its window to reset (a call that still succeeded). */
  throttledAt?: Date | null;
}

/**
 * One registry strategy. All calls take the request's AbortSignal (already combined with the
 * registry timeout) and throw GatewayError subclasses for expected failures.
 */
export interface ModelManager {
  /** The reference prefix (`local`, `hf`, `onnx-zoo`). */
  readonly name: string;
  /** What kind of registry this is, for clients (`local-folder`, `huggingface`, `onnx-zoo`). */
  readonly kind: string;
  /** The endpoint URL or folder it reads. */
  readonly location: string;
  /** When set, model info younger than this is served from the database without a call. */
  readonly infoCacheTtlMs?: number;
  searchModels(params: SearchParams, signal: AbortSignal): Promise<SearchPage>;
  /** Batch info: one result per ref, in order; an Error (ModelNotFound...) where one fails. */
  getModelInfos(refs: readonly ModelRef[], signal: AbortSignal): Promise<Array<ModelInfo | Error>>;
  listModelFiles(ref: ModelRef, signal: AbortSignal): Promise<ModelFileList>;
  /** Resolves one file of `ref` at a resolved revision to a download the pull engine can run. */
  resolveDownload(ref: ModelRef, file: ModelFile, signal: AbortSignal): Promise<FileDownload>;
  /**
   * The reference in the registry's own spelling, for registries that match ids loosely (the zoo
   * ignores case), so one model has one cache folder and one history; the ref itself when unknown.
   */
  canonicalRef?(ref: ModelRef, signal: AbortSignal): Promise<ModelRef>;
  /** Where a model's files already lie on this machine, for registries that are local folders. */
  localPath?(ref: ModelRef, file: ModelFile): Promise<string>;
  quota?(): RegistryQuota | null;
}
