import type { ModelSort, ModelSummary } from "./model.js";

/** What the merge compares: a registry's next result, its rank there, and the registry's order. */
export interface MergeCandidate {
  peek(): ModelSummary | undefined;
  readonly nextRank: number;
  readonly order: number;
}

const byName = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** Larger first, unknown (null) last. */
function descending(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

const KEYS: Record<ModelSort, (a: ModelSummary, b: ModelSummary) => number> = {
  // Registries rank by their own relevance; the merge interleaves them rank by rank.
  RELEVANCE: () => 0,
  DOWNLOADS: (a, b) => descending(a.downloads, b.downloads),
  LIKES: (a, b) => descending(a.likes, b.likes),
  UPDATED: (a, b) => descending(a.updatedAt?.getTime() ?? null, b.updatedAt?.getTime() ?? null),
  NAME: (a, b) => byName.compare(a.name, b.name),
};

/**
 * Orders two registries' next results for the merge: by the sort key, then by rank in their own
 * registry, then by registry order, so the merged order is total and the same on every page.
 */
export function compareResults(sort: ModelSort, a: MergeCandidate, b: MergeCandidate): number {
  const x = a.peek() as ModelSummary;
  const y = b.peek() as ModelSummary;
  return KEYS[sort](x, y) || a.nextRank - b.nextRank || a.order - b.order;
}

/** Sorts one registry's own results the same way (for registries that sort in memory). */
export function sortSummaries<T extends ModelSummary>(items: T[], sort: ModelSort): T[] {
  return sort === "RELEVANCE" ? items : [...items].sort((a, b) => KEYS[sort](a, b) || byName.compare(a.id, b.id));
}
