import pLimit from "p-limit";
import type { ModelSummary } from "../../domain/model.js";
import { sortSummaries } from "../../domain/search-order.js";
import { matchesFilter } from "../common/in-memory-search.js";
import type { SearchPage, SearchParams } from "../types.js";
import { isRepositoryName } from "./references.js";
import type { RegistryCall } from "./registry-http.js";
import { checkPosition, type NamePage, type RepositorySource } from "./repository-listing.js";

export interface RepositorySearch {
  source: RepositorySource;
  /** Whether positions are list offsets (a configured list) rather than catalog names. */
  listed: boolean;
  /** A repository's search result, or null when it holds nothing to show (no tags, no access). */
  describe(repository: string, call: RegistryCall): Promise<ModelSummary | null>;
}

/** How many repositories are described at once. */
const DESCRIBE_CONCURRENCY = 8;
/** Catalog pages one search call reads at most before answering what it has (and a cursor). */
const MAX_PAGES_PER_CALL = 10;

/**
 * Searches repository names: every word of the query must appear in a repository's name; each
 * match is described (its tags, manifest and config, so results carry format, size and facts) and
 * kept when it passes the filter. The cursor is the position after the last repository examined,
 * so pages neither repeat nor skip; a call reads at most a few catalog pages, then answers what
 * it found with a cursor to go on from.
 */
export async function searchRepositories(
  search: RepositorySearch,
  params: SearchParams,
  call: RegistryCall,
): Promise<SearchPage> {
  const words = (params.query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (name: string) => isRepositoryName(name) && words.every((word) => name.includes(word));
  const limit = pLimit(DESCRIBE_CONCURRENCY);
  const items: ModelSummary[] = [];
  let position = checkPosition(params.cursor, search.listed);
  for (let pages = 1; ; pages++) {
    const page: NamePage = await search.source.page(position, call);
    let index = 0;
    while (index < page.entries.length && items.length < params.limit) {
      // The next entries holding as many matches as the page still needs.
      const chunk: NamePage["entries"] = [];
      let wanted = params.limit - items.length;
      while (index < page.entries.length && wanted > 0) {
        const entry = page.entries[index++] as NamePage["entries"][number];
        chunk.push(entry);
        if (matches(entry.name)) wanted--;
      }
      const described = await Promise.all(
        chunk.filter((entry) => matches(entry.name)).map((entry) => limit(() => search.describe(entry.name, call))),
      );
      items.push(
        ...described
          .filter((item) => item !== null && matchesFilter(item, params.filter))
          .map((item) => item as ModelSummary),
      );
      position = (chunk.at(-1) as NamePage["entries"][number]).after;
    }
    const ordered = params.sort === "NAME" ? sortSummaries(items, "NAME") : items;
    if (items.length >= params.limit || position === null) return { items: ordered, nextCursor: position };
    if (page.next === null) return { items: ordered, nextCursor: null };
    position = page.next;
    if (pages >= MAX_PAGES_PER_CALL) return { items: ordered, nextCursor: position };
  }
}
