import type { AccessStatus, GateKind, ModelFile, ModelFormat, ModelInfo, ModelSummary } from "../../domain/model.js";
import type { ApiModel, ApiModelInfo, ApiSibling } from "./api-types.js";

/** What turning the Hub's JSON into domain types needs besides the JSON. */
export interface MappingContext {
  registry: string;
  endpoint: string;
  hasToken: boolean;
}

/** Formats in the order the gateway prefers them: ONNX first, since that is what it runs. */
const FORMATS: ReadonlyArray<[ModelFormat, tags: string[], files: RegExp]> = [
  ["ONNX", ["onnx"], /\.onnx$/i],
  ["SAFETENSORS", ["safetensors"], /\.safetensors$/i],
  ["GGUF", ["gguf"], /\.gguf$/i],
  ["PYTORCH", ["pytorch"], /\.(bin|pt|pth)$/i],
  ["TFLITE", ["tflite"], /\.tflite$/i],
  ["KERAS", ["keras"], /\.keras$/i],
  ["TENSORFLOW", ["tf", "tensorflow"], /(\.h5|saved_model\.pbt?)$/i],
  ["TFJS", ["tf.js", "tfjs"], /(^|\/)model\.json$/i],
  ["JAX", ["jax", "flax"], /\.msgpack$/i],
];

export function toSummary(api: ApiModel, context: MappingContext): ModelSummary {
  const tags = api.tags ?? [];
  const slash = api.id.indexOf("/");
  return {
    registry: context.registry,
    id: api.id,
    name: api.id.slice(slash + 1),
    author: api.author ?? (slash > 0 ? api.id.slice(0, slash) : null),
    description: null,
    task: api.pipeline_tag ?? null,
    tags,
    format: FORMATS.find(([, formatTags]) => formatTags.some((tag) => tags.includes(tag)))?.[0] ?? "OTHER",
    license: tags.find((tag) => tag.startsWith("license:"))?.slice("license:".length) ?? null,
    downloads: api.downloads ?? null,
    likes: api.likes ?? null,
    updatedAt: api.lastModified ? new Date(api.lastModified) : null,
    sizeBytes: null,
    accessStatus: knownAccess(api, context.hasToken),
    gateKind: gateKind(api.gated),
    pageUrl: `${context.endpoint}/${api.id}`,
  };
}

export function toInfo(
  api: ApiModelInfo,
  files: ModelFile[],
  accessStatus: AccessStatus,
  context: MappingContext,
): ModelInfo {
  const summary = toSummary(api, context);
  const license = api.cardData?.license;
  const sizes = files.map((file) => file.sizeBytes);
  return {
    ...summary,
    description: api.cardData?.description ?? null,
    license: (Array.isArray(license) ? license.join(", ") : license) || summary.license,
    format: FORMATS.find(([, , pattern]) => files.some((file) => pattern.test(file.path)))?.[0] ?? "OTHER",
    sizeBytes: sizes.every((size) => size !== null) ? sizes.reduce((sum, size) => sum + size, 0) : null,
    revision: api.sha ?? null,
    files,
    inputs: null,
    outputs: null,
    opset: null,
    accessStatus,
  };
}

/**
 * Files from `siblings` of an info fetched with blobs=true: LFS files carry their sha256; other
 * files only a git blob id, so their sha256 stays unknown. Null when sizes are missing (an
 * endpoint that ignores blobs=true), so the caller can ask the tree API instead.
 */
export function filesFromSiblings(siblings: readonly ApiSibling[]): ModelFile[] | null {
  if (siblings.some((sibling) => sibling.size == null && sibling.lfs == null)) return null;
  return siblings.map((sibling) => ({
    path: sibling.rfilename,
    sizeBytes: sibling.lfs?.size ?? sibling.size ?? null,
    sha256: sibling.lfs?.sha256.toLowerCase() ?? null,
  }));
}

/**
 * The access the listing alone tells: private repositories are listed only to tokens that can read
 * them, and a gated one needs a token. Undefined when a token must be checked against the gate.
 */
export function knownAccess(api: ApiModel, hasToken: boolean): AccessStatus | undefined {
  if (api.private) return "PRIVATE";
  if (!gateKind(api.gated)) return "PUBLIC";
  return hasToken ? undefined : "REQUIRES_TOKEN";
}

function gateKind(gated: ApiModel["gated"]): GateKind | null {
  if (!gated) return null;
  return gated === "manual" ? "MANUAL" : "AUTOMATIC";
}
