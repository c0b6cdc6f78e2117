import { InvalidInput } from "../../domain/errors.js";
import type { ModelFormat, ModelSort } from "../../domain/model.js";
import type { SearchParams } from "../types.js";

/** The most models ModelScope's OpenAPI returns per page (its own CLI's limit). */
export const MAX_PAGE_SIZE = 50;
/** ModelScope refuses pages past `page_number * page_size > 3000`: a search reaches its first 3000 models. */
export const MAX_RESULTS = 3000;

/**
 * ModelScope's sort keys (`default`, `downloads`, `likes`, `last_modified`), all descending.
 * RELEVANCE leaves the sort to ModelScope's default ranking; it cannot sort by name, so NAME asks
 * for that default order too and the registry sorts each page by name.
 */
const SORTS: Record<ModelSort, string | null> = {
  RELEVANCE: null,
  DOWNLOADS: "downloads",
  LIKES: "likes",
  UPDATED: "last_modified",
  NAME: null,
};

/** The library filter values ModelScope knows a weight format by. */
const FORMAT_LIBRARIES: Record<ModelFormat, string | null> = {
  ONNX: "onnx",
  SAFETENSORS: "safetensors",
  GGUF: "gguf",
  PYTORCH: "pytorch",
  TENSORFLOW: "tensorflow",
  TFLITE: "tflite",
  TFJS: null,
  KERAS: "keras",
  JAX: "jax",
  OTHER: null,
};

/** Where a search stands: the page number to ask for, and the page size the cursor was made with. */
export interface PagePosition {
  page: number;
  size: number;
}

const CURSOR = /^(\d{1,4}):(\d{1,2})$/;

/**
 * The query string of `GET /openapi/v1/models` for a search, and the page it asks for. The cursor
 * is `<page number>:<page size>`: ModelScope pages by number, and keeping the size in the cursor
 * keeps the numbering stable however the next call is made. Filters ModelScope cannot apply (size
 * and opset ranges, formats it has no library for) are left out, as the ModelFilter contract allows.
 */
export function searchQuery(
  params: SearchParams,
  registry: string,
): { query: URLSearchParams; position: PagePosition } {
  const position = parseCursor(params, registry);
  const { filter } = params;
  const query = new URLSearchParams();
  if (params.query) query.set("search", params.query);
  if (filter.author) query.set("owner", filter.author);
  const sort = SORTS[params.sort];
  if (sort) query.set("sort", sort);
  query.set("page_number", String(position.page));
  query.set("page_size", String(position.size));
  if (filter.task) query.set("filter.task", filter.task);
  const library = filter.library ?? (filter.format ? FORMAT_LIBRARIES[filter.format] : null);
  if (library) query.set("filter.library", library);
  for (const tag of new Set(filter.tags ?? [])) query.append("filter.custom_tag", tag);
  return { query, position };
}

/** The cursor of the page after `position`; null when ModelScope has no more (or will serve no more). */
export function nextCursor(position: PagePosition, received: number, totalCount: number | null): string | null {
  const { page, size } = position;
  const more = totalCount === null ? received >= size : page * size < totalCount;
  if (received === 0 || !more || (page + 1) * size > MAX_RESULTS) return null;
  return `${page + 1}:${size}`;
}

function parseCursor(params: SearchParams, registry: string): PagePosition {
  if (params.cursor === null) return { page: 1, size: Math.min(Math.max(params.limit, 1), MAX_PAGE_SIZE) };
  const match = CURSOR.exec(params.cursor);
  const page = Number(match?.[1]);
  const size = Number(match?.[2]);
  if (!match || page < 1 || size < 1 || size > MAX_PAGE_SIZE || page * size > MAX_RESULTS) {
    throw new InvalidInput(`Invalid page cursor for registry ${registry}; pass the endCursor of a previous page.`, {
      field: "after",
    });
  }
  return { page, size };
}
