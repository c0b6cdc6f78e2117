import type { ModelFilter, ModelFormat, ModelSort, SearchVariables } from "./search-documents.js";

/** Everything a search asks, as the page's URL holds it (so a search can be shared and gone back to). */
export interface SearchState {
  query: string;
  /** Registry names; empty means every enabled registry. */
  registries: string[];
  format: ModelFormat | null;
  task: string;
  /** Filtered in the page: the API has no licence filter. */
  license: string;
  /** Size bounds in megabytes (10^6 bytes). */
  minSizeMb: number | null;
  maxSizeMb: number | null;
  sort: ModelSort;
}

export const FORMATS = [
  "ONNX",
  "GGUF",
  "SAFETENSORS",
  "PYTORCH",
  "TENSORFLOW",
  "TFLITE",
  "TFJS",
  "KERAS",
  "JAX",
  "OTHER",
] as const satisfies readonly ModelFormat[];

export const SORTS = ["RELEVANCE", "DOWNLOADS", "LIKES", "UPDATED", "NAME"] as const satisfies readonly ModelSort[];

/** Results per page: enough to fill a large screen, small enough to paint at once. */
export const PAGE_SIZE = 24;

/** Reads a search from a query string ("?q=resnet&registries=hf,local&format=ONNX…"). */
export function parseSearch(search: string): SearchState {
  const params = new URLSearchParams(search);
  const format = params.get("format")?.toUpperCase();
  const sort = params.get("sort")?.toUpperCase();
  return {
    query: params.get("q") ?? "",
    registries: (params.get("registries") ?? "").split(",").filter((name) => name.length > 0),
    format: FORMATS.find((f) => f === format) ?? null,
    task: params.get("task") ?? "",
    license: params.get("license") ?? "",
    minSizeMb: megabytes(params.get("minSize")),
    maxSizeMb: megabytes(params.get("maxSize")),
    sort: SORTS.find((s) => s === sort) ?? "RELEVANCE",
  };
}

/** The query string of a search, defaults left out, so the plain page is plain "/". */
export function searchString(state: SearchState): string {
  const params = new URLSearchParams();
  if (state.query.trim()) params.set("q", state.query.trim());
  if (state.registries.length > 0) params.set("registries", state.registries.join(","));
  if (state.format) params.set("format", state.format);
  if (state.task.trim()) params.set("task", state.task.trim());
  if (state.license.trim()) params.set("license", state.license.trim());
  if (state.minSizeMb !== null) params.set("minSize", String(state.minSizeMb));
  if (state.maxSizeMb !== null) params.set("maxSize", String(state.maxSizeMb));
  if (state.sort !== "RELEVANCE") params.set("sort", state.sort);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The searchModels variables of a search (every filter the API can apply; the licence is the page's). */
export function searchVariables(state: SearchState): Omit<SearchVariables, "after"> {
  const filter: ModelFilter = {};
  if (state.format) filter.format = state.format;
  if (state.task.trim()) filter.task = state.task.trim();
  if (state.minSizeMb !== null || state.maxSizeMb !== null) {
    filter.sizeBytes = {
      min: state.minSizeMb === null ? null : Math.round(state.minSizeMb * 1e6),
      max: state.maxSizeMb === null ? null : Math.round(state.maxSizeMb * 1e6),
    };
  }
  return {
    query: state.query.trim() || null,
    registries: state.registries.length > 0 ? state.registries : null,
    filter: Object.keys(filter).length > 0 ? filter : null,
    sort: state.sort,
    first: PAGE_SIZE,
  };
}

/** Whether a model's licence matches the page's licence filter (any part of it, any case). */
export function matchesLicense(license: string | null | undefined, wanted: string): boolean {
  const needle = wanted.trim().toLowerCase();
  return needle === "" || (license ?? "").toLowerCase().includes(needle);
}

function megabytes(value: string | null): number | null {
  if (value === null || value.trim() === "") return null;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : null;
}
