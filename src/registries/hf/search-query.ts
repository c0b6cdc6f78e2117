import { InvalidInput } from "../../domain/errors.js";
import type { ModelFormat, ModelSort } from "../../domain/model.js";
import type { SearchParams } from "../types.js";

/**
 * The Hub sorts in descending order only and cannot sort by name: RELEVANCE asks for its trending
 * order (its website's default), NAME for its default order, which the registry then sorts by
 * name within each page.
 */
const SORTS: Record<ModelSort, string | null> = {
  RELEVANCE: "trendingScore",
  DOWNLOADS: "downloads",
  LIKES: "likes",
  UPDATED: "lastModified",
  NAME: null,
};

/** The Hub tags every repository with the weight formats its files use. */
const FORMAT_TAGS: Record<ModelFormat, string | null> = {
  ONNX: "onnx",
  SAFETENSORS: "safetensors",
  GGUF: "gguf",
  PYTORCH: "pytorch",
  TENSORFLOW: "tf",
  TFLITE: "tflite",
  TFJS: "tf.js",
  KERAS: "keras",
  JAX: "jax",
  OTHER: null,
};

/** The fields a search result needs; without `expand` the Hub leaves out author, gating and dates. */
const EXPAND = [
  "author",
  "pipeline_tag",
  "tags",
  "downloads",
  "likes",
  "lastModified",
  "library_name",
  "gated",
  "private",
];

const CURSOR = /^[\w+/=.~-]{1,2048}$/;

/**
 * The query string of `GET /api/models` for a search. Filters the Hub cannot apply (size and
 * opset ranges, the OTHER format) are left out, as the ModelFilter contract allows.
 */
export function searchQuery(params: SearchParams): URLSearchParams {
  const { filter } = params;
  const query = new URLSearchParams();
  if (params.query) query.set("search", params.query);
  if (filter.author) query.set("author", filter.author);
  if (filter.task) query.set("pipeline_tag", filter.task);
  const tags = new Set([...(filter.tags ?? []), filter.library, filter.format ? FORMAT_TAGS[filter.format] : null]);
  for (const tag of tags) if (tag) query.append("filter", tag);
  const sort = SORTS[params.sort];
  if (sort) query.set("sort", sort);
  query.set("limit", String(params.limit));
  for (const field of EXPAND) query.append("expand", field);
  if (params.cursor !== null) {
    if (!CURSOR.test(params.cursor)) {
      throw new InvalidInput("Invalid page cursor for registry hf; pass the endCursor of a previous page.", {
        field: "after",
      });
    }
    query.set("cursor", params.cursor);
  }
  return query;
}

/**
 * The Hub's cursor for the next page, from its `Link: <…&cursor=…>; rel="next"` header; null on
 * the last page. Only the cursor is kept: the next request is built on HF_ENDPOINT from the same
 * parameters, so the Hub's absolute link (which names its canonical host) is never followed.
 * Hand-parsed because @huggingface/hub does not export its Link parser.
 */
export function nextCursor(link: string | null): string | null {
  const target = link && /<([^>]*)>\s*;\s*rel="?next"?/.exec(link)?.[1];
  return target ? new URL(target, "http://link.invalid").searchParams.get("cursor") : null;
}
