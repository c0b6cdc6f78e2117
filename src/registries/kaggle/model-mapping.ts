import type { ModelFile, ModelInfo, ModelSummary } from "../../domain/model.js";
import type { ApiModel, ApiModelInstance } from "./api-types.js";
import { type Framework, findFramework } from "./frameworks.js";
import { handleId } from "./kaggle-handle.js";

/** Where Kaggle's model pages are, when an answer does not give an instance's own URL. */
const WEB = "https://www.kaggle.com";

/**
 * Kaggle's tags name tasks in words ("Image Classification"); these are the gateway's task names
 * (Hugging Face pipeline names) that a tag, lower-cased with spaces as hyphens, can stand for.
 */
const TASKS = new Set([
  "image-classification",
  "object-detection",
  "image-segmentation",
  "image-feature-extraction",
  "image-to-image",
  "image-to-text",
  "text-to-image",
  "depth-estimation",
  "video-classification",
  "text-generation",
  "text-classification",
  "text2text-generation",
  "token-classification",
  "question-answering",
  "summarization",
  "translation",
  "fill-mask",
  "feature-extraction",
  "sentence-similarity",
  "zero-shot-classification",
  "automatic-speech-recognition",
  "audio-classification",
  "text-to-speech",
]);

/** A tag or task name compared as the gateway's task names are written. */
export function taskKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");
}

/** The owner and model slugs of an ApiModel, from its `ref` (`<owner>/<model>`). */
export function modelSlugs(model: ApiModel): { owner: string; model: string } | null {
  const [owner, slug, ...rest] = (model.ref ?? "").split("/");
  if (!owner || rest.length > 0) return null;
  const name = slug || model.slug;
  return name ? { owner, model: name } : null;
}

/**
 * One search result per model instance: the instance's framework is its format, its licence the
 * instance's; tags, votes and dates are the model's. Null for an instance Kaggle answers without a
 * slug or with a framework the gateway does not know, which no reference could name.
 */
export function instanceSummary(model: ApiModel, instance: ApiModelInstance, registry: string): ModelSummary | null {
  const slugs = modelSlugs(model);
  const framework = instance.framework ? findFramework(instance.framework) : null;
  if (!slugs || !framework || !instance.slug) return null;
  return summaryOf({ ...slugs, framework, variation: instance.slug }, model, instance, registry);
}

function summaryOf(
  slugs: { owner: string; model: string; framework: Framework; variation: string },
  model: ApiModel,
  instance: ApiModelInstance,
  registry: string,
): ModelSummary {
  const id = handleId(slugs);
  const tags = (model.tags ?? []).flatMap((tag) => {
    const name = tag.name || tag.ref;
    return name ? [name] : [];
  });
  return {
    registry,
    id,
    name: id.slice(slugs.owner.length + 1),
    author: slugs.owner,
    description: model.subtitle || null,
    task: tags.map(taskKey).find((tag) => TASKS.has(tag)) ?? null,
    tags,
    format: slugs.framework.format,
    license: instance.licenseName || null,
    // Kaggle's model answers carry no download count (it can only sort by it).
    downloads: null,
    likes: model.voteCount ?? null,
    updatedAt: dateOf(model.updateTime ?? model.publishTime),
    sizeBytes: instance.totalUncompressedBytes || null,
    accessStatus: model.isPrivate ? "PRIVATE" : "PUBLIC",
    gateKind: null,
    pageUrl: instance.url || `${WEB}/models/${id}`,
  };
}

/** A model instance at one version, with that version's files and every version there is. */
export function toInfo(
  handle: { owner: string; model: string; framework: Framework; variation: string },
  model: ApiModel,
  instance: ApiModelInstance,
  listing: { version: number; versions: number[]; files: ModelFile[] },
  registry: string,
): ModelInfo {
  const summary = summaryOf(handle, model, instance, registry);
  const sizes = listing.files.map((file) => file.sizeBytes);
  return {
    ...summary,
    description: instance.overview || model.description || summary.description,
    sizeBytes: sizes.every((size) => size !== null) ? sizes.reduce((sum, size) => sum + size, 0) : summary.sizeBytes,
    revision: String(listing.version),
    files: listing.files,
    inputs: null,
    outputs: null,
    opset: null,
    availableRevisions: listing.versions.map(String),
  };
}

function dateOf(text: string | null | undefined): Date | null {
  if (!text) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}
