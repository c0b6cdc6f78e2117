import type { AccessStatus, ModelFile, ModelFormat, ModelInfo, ModelSummary } from "../../domain/model.js";
import { type ApiListedModel, type ApiModel, type ApiRepoFile, apiDate, apiNames } from "./api-types.js";
import type { ModelScopeId } from "./model-ids.js";

/** What turning ModelScope's JSON into domain types needs besides the JSON. */
export interface MappingContext {
  registry: string;
  endpoint: string;
  hasToken: boolean;
}

/** Formats in the order the gateway prefers them (ONNX first: it is what it runs), by file and by tag. */
const FORMATS: ReadonlyArray<[ModelFormat, tags: string[], files: RegExp]> = [
  ["ONNX", ["onnx"], /\.onnx$/i],
  ["SAFETENSORS", ["safetensors"], /\.safetensors$/i],
  ["GGUF", ["gguf"], /\.gguf$/i],
  ["PYTORCH", ["pytorch"], /\.(bin|pt|pth)$/i],
  ["TFLITE", ["tflite"], /\.tflite$/i],
  ["KERAS", ["keras"], /\.keras$/i],
  ["TENSORFLOW", ["tensorflow", "tf"], /(\.h5|saved_model\.pbt?)$/i],
  ["TFJS", ["tfjs", "tf.js"], /(^|\/)model\.json$/i],
  ["JAX", ["jax", "flax"], /\.msgpack$/i],
];

/** Git's own bookkeeping files, which ModelScope's SDK leaves out of a model's files. */
const GIT_FILES = new Set([".gitignore", ".gitattributes"]);

/** A search result from one model of `GET /openapi/v1/models`. */
export function toSummary(api: ApiListedModel, id: ModelScopeId, context: MappingContext): ModelSummary {
  const tags = api.tags ?? [];
  const lowerTags = tags.map((tag) => tag.toLowerCase());
  return {
    registry: context.registry,
    id: `${id.owner}/${id.name}`,
    name: id.name,
    author: id.owner,
    description: api.description || null,
    task: apiNames(api.tasks)[0] ?? null,
    tags,
    format: FORMATS.find(([, formatTags]) => formatTags.some((tag) => lowerTags.includes(tag)))?.[0] ?? "OTHER",
    license: api.license || null,
    downloads: api.downloads ?? null,
    likes: api.likes ?? null,
    updatedAt: apiDate(api.last_modified) ?? apiDate(api.created_at),
    sizeBytes: api.file_size ?? null,
    accessStatus: api.private ? "PRIVATE" : api.gated ? (context.hasToken ? "GATED" : "REQUIRES_TOKEN") : "PUBLIC",
    gateKind: null,
    pageUrl: pageUrl(context, id),
  };
}

/** The revision a model was read at: the commit it resolved to (or the branch or tag), and those it has. */
export interface RevisionFacts {
  resolved: string;
  available: string[];
}

/** Model info from `GET /api/v1/models/{owner}/{name}` and the files at the resolved revision. */
export function toInfo(
  api: ApiModel,
  id: ModelScopeId,
  files: ModelFile[],
  revision: RevisionFacts,
  context: MappingContext,
): ModelInfo {
  const tags = apiNames(api.Tags);
  const sizes = files.map((file) => file.sizeBytes);
  return {
    registry: context.registry,
    id: `${id.owner}/${id.name}`,
    name: api.Name || id.name,
    author: api.Path || id.owner,
    description: api.Description || api.ChineseName || null,
    task: apiNames(api.Tasks)[0] ?? null,
    tags,
    format: FORMATS.find(([, , pattern]) => files.some((file) => pattern.test(file.path)))?.[0] ?? "OTHER",
    license: api.License || null,
    downloads: api.Downloads ?? null,
    likes: api.Stars ?? api.Likes ?? null,
    updatedAt: apiDate(api.LastUpdatedTime) ?? apiDate(api.CreatedTime),
    sizeBytes: sizes.every((size) => size !== null) ? sizes.reduce((sum, size) => sum + size, 0) : null,
    accessStatus: accessOf(api.Visibility, context.hasToken),
    gateKind: null,
    pageUrl: pageUrl(context, id),
    revision: revision.resolved,
    availableRevisions: revision.available,
    files,
    inputs: null,
    outputs: null,
    opset: null,
  };
}

/** Files from the recursive file list: folders ("tree") and git's bookkeeping files left out. */
export function filesFrom(entries: readonly ApiRepoFile[]): ModelFile[] {
  return entries
    .filter((entry) => entry.Type !== "tree" && !GIT_FILES.has(entry.Name ?? entry.Path.split("/").at(-1) ?? ""))
    .map((entry) => ({
      path: entry.Path,
      sizeBytes: entry.Size ?? null,
      sha256: entry.Sha256 ? entry.Sha256.toLowerCase() : null,
    }));
}

/** ModelScope's visibility: 5 public, 3 internal (signed-in users only), 1 private. */
function accessOf(visibility: number | null | undefined, hasToken: boolean): AccessStatus {
  if (visibility === 1) return "PRIVATE";
  if (visibility === 3) return hasToken ? "PUBLIC" : "REQUIRES_TOKEN";
  return "PUBLIC";
}

function pageUrl(context: MappingContext, id: ModelScopeId): string {
  return `${context.endpoint}/models/${id.owner}/${id.name}`;
}
