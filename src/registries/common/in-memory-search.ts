import { InvalidInput } from "../../domain/errors.js";
import type { ModelFilter, ModelSummary, NumberRange } from "../../domain/model.js";
import { sortSummaries } from "../../domain/search-order.js";
import type { SearchPage, SearchParams } from "../types.js";

/**
 * Search for registries that hold their whole catalogue in memory (a local folder, a manifest):
 * every query word must match, results rank by where they match, and pages are offsets.
 */
export function searchInMemory(
  models: readonly ModelSummary[],
  params: SearchParams,
  extraFilter: (model: ModelSummary) => boolean = () => true,
): SearchPage {
  const offset = parseOffsetCursor(params.cursor);
  const words = (params.query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const scored = models
    .filter((model) => matchesFilter(model, params.filter) && extraFilter(model))
    .map((model) => ({ model, score: relevance(model, words) }))
    .filter(({ score }) => score > 0);
  const ranked = scored.sort((a, b) => b.score - a.score || a.model.name.localeCompare(b.model.name));
  const sorted = sortSummaries(
    ranked.map(({ model }) => model),
    params.sort,
  );
  const end = offset + params.limit;
  return { items: sorted.slice(offset, end), nextCursor: end < sorted.length ? String(end) : null };
}

/** Where the words appear decides the score; 0 means some word appears nowhere. */
function relevance(model: ModelSummary, words: readonly string[]): number {
  let score = 1;
  const id = model.id.toLowerCase();
  const name = model.name.toLowerCase();
  const tags = model.tags.map((tag) => tag.toLowerCase());
  for (const word of words) {
    const points =
      (id === word || name === word ? 100 : 0) +
      (id.startsWith(word) || name.startsWith(word) ? 40 : 0) +
      (id.includes(word) || name.includes(word) ? 20 : 0) +
      (tags.includes(word) ? 15 : tags.some((tag) => tag.includes(word)) ? 8 : 0) +
      (model.task?.toLowerCase().includes(word) ? 5 : 0) +
      (model.description?.toLowerCase().includes(word) ? 2 : 0);
    if (points === 0) return 0;
    score += points;
  }
  return score;
}

export function matchesFilter(model: ModelSummary, filter: ModelFilter): boolean {
  const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();
  const tags = new Set(model.tags.map((tag) => tag.toLowerCase()));
  return (
    (!filter.task || same(model.task, filter.task)) &&
    (!filter.tags || filter.tags.every((tag) => tags.has(tag.toLowerCase()))) &&
    (!filter.format || model.format === filter.format) &&
    (!filter.author || same(model.author, filter.author)) &&
    (!filter.library || tags.has(filter.library.toLowerCase())) &&
    inRange(model.sizeBytes, filter.sizeBytes)
  );
}

/** True when `value` lies in the range; an unknown value is outside any range that is set. */
export function inRange(value: number | null, range: NumberRange | null | undefined): boolean {
  if (!range || (range.min == null && range.max == null)) return true;
  if (value === null) return false;
  return (range.min == null || value >= range.min) && (range.max == null || value <= range.max);
}

function parseOffsetCursor(cursor: string | null): number {
  if (cursor === null) return 0;
  if (!/^\d{1,7}$/.test(cursor)) {
    throw new InvalidInput(`Invalid page cursor "${cursor}" for this registry.`, { field: "after" });
  }
  return Number(cursor);
}
