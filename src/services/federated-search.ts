import { type ErrorCode, GatewayError, InvalidInput } from "../domain/errors.js";
import type { ModelFilter, ModelSort, ModelSummary } from "../domain/model.js";
import { compareResults } from "../domain/search-order.js";
import type { RegistrySet } from "../registries/registry-set.js";
import type { ModelManager, SearchPage } from "../registries/types.js";
import type { RegistryCalls } from "./registry-calls.js";
import {
  canonicalFilter,
  decodeCursor,
  encodeCursor,
  type RegistryPosition,
  type SearchCursor,
  searchFingerprint,
} from "./search-cursor.js";

export interface SearchRequest {
  query: string | null;
  registries: readonly string[] | null;
  filter: ModelFilter;
  sort: ModelSort;
  first: number;
  after: string | null;
}

export interface RegistryFailure {
  registry: string;
  code: ErrorCode;
  message: string;
  retryAfterSeconds: number | null;
}

export interface SearchResult {
  edges: Array<{ cursor: string; node: ModelSummary }>;
  hasNextPage: boolean;
  failures: RegistryFailure[];
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
const MAX_QUERY_LENGTH = 256;

/**
 * Searches several registries at once and merges their pages into one ordered, cursor-paged
 * list. Each registry is read lazily from where the cursor left it, under its own deadline; one
 * that fails or is slow becomes a failure entry while the others still answer.
 */
export class FederatedSearch {
  constructor(
    private readonly registries: RegistrySet,
    private readonly calls: RegistryCalls,
  ) {}

  async search(request: SearchRequest, signal: AbortSignal): Promise<SearchResult> {
    const { first } = request;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw new InvalidInput(`first must be between 0 and ${MAX_PAGE_SIZE} (got ${first}).`, { field: "first" });
    }
    const query = request.query?.trim() || null;
    if (query && query.length > MAX_QUERY_LENGTH) {
      throw new InvalidInput(`query must be at most ${MAX_QUERY_LENGTH} characters.`, { field: "query" });
    }
    const managers = this.registries.select(request.registries);
    const names = managers.map((m) => m.name);
    const filter = canonicalFilter(request.filter);
    const fingerprint = searchFingerprint(query, names, filter, request.sort);
    const cursor: SearchCursor = request.after
      ? decodeCursor(request.after, fingerprint, names)
      : {
          fingerprint,
          limit: Math.max(first, 1),
          positions: Object.fromEntries(names.map((n) => [n, { cursor: null, skip: 0, rank: 0, done: false }])),
        };

    const streams = managers.map((manager, order) => {
      const deadline = this.calls.deadline(signal);
      const fetchPage = (pageCursor: string | null) =>
        this.calls.run(manager, deadline, (s) =>
          manager.searchModels({ query, filter, sort: request.sort, limit: cursor.limit, cursor: pageCursor }, s),
        );
      return new RegistryStream(manager, order, cursor.positions[manager.name] as RegistryPosition, fetchPage);
    });

    const edges: SearchResult["edges"] = [];
    if (first > 0) await Promise.all(streams.map((s) => s.fill()));
    while (edges.length < first) {
      let best: RegistryStream | undefined;
      for (const stream of streams) {
        if (stream.peek() && (!best || compareResults(request.sort, stream, best) < 0)) best = stream;
      }
      if (!best) break;
      const node = best.take();
      edges.push({ node, cursor: encodeCursor({ ...cursor, positions: positionsOf(streams) }) });
      if (edges.length < first) await best.fill();
    }

    return {
      edges,
      hasNextPage: streams.some((s) => s.failure === null && s.hasMore()),
      failures: streams.flatMap((s) => (s.failure ? [failureEntry(s.manager.name, s.failure)] : [])),
    };
  }
}

function positionsOf(streams: readonly RegistryStream[]): Record<string, RegistryPosition> {
  return Object.fromEntries(streams.map((s) => [s.manager.name, s.position()]));
}

function failureEntry(registry: string, error: Error): RegistryFailure {
  const known = error instanceof GatewayError;
  return {
    registry,
    code: known ? error.code : "REGISTRY_UNAVAILABLE",
    message: known ? error.message : `Registry ${registry} failed.`,
    retryAfterSeconds: known ? (error.details.retryAfterSeconds ?? null) : null,
  };
}

/** One registry's results from a position onwards, fetched a page at a time as the merge needs them. */
export class RegistryStream {
  private page: ModelSummary[] = [];
  private pageCursor: string | null;
  private nextCursor: string | null = null;
  private index: number;
  private rank: number;
  private loaded = false;
  failure: Error | null = null;

  constructor(
    readonly manager: ModelManager,
    /** Position among the selected registries, the last tie-breaker of the merge. */
    readonly order: number,
    private readonly start: RegistryPosition,
    private readonly fetchPage: (cursor: string | null) => Promise<SearchPage>,
  ) {
    this.pageCursor = start.cursor;
    this.index = start.skip;
    this.rank = start.rank;
  }

  /** Makes sure peek() shows the next result if there is one, fetching pages as needed. */
  async fill(): Promise<void> {
    while (this.index >= this.page.length && this.failure === null) {
      if (this.loaded ? this.nextCursor === null : this.start.done) return;
      const cursor = this.loaded ? this.nextCursor : this.start.cursor;
      try {
        const page = await this.fetchPage(cursor);
        if (this.loaded) this.index = 0;
        this.page = page.items;
        this.pageCursor = cursor;
        this.nextCursor = page.nextCursor;
        this.loaded = true;
      } catch (error) {
        this.failure = error as Error;
      }
    }
  }

  peek(): ModelSummary | undefined {
    return this.failure === null ? this.page[this.index] : undefined;
  }

  take(): ModelSummary {
    const item = this.page[this.index] as ModelSummary;
    this.index++;
    this.rank++;
    return item;
  }

  /** The rank of the result peek() shows: how many results of this registry came before it. */
  get nextRank(): number {
    return this.rank;
  }

  hasMore(): boolean {
    return this.loaded ? this.index < this.page.length || this.nextCursor !== null : !this.start.done;
  }

  position(): RegistryPosition {
    if (!this.loaded) return this.start;
    if (this.index < this.page.length) {
      return { cursor: this.pageCursor, skip: this.index, rank: this.rank, done: false };
    }
    return this.nextCursor === null
      ? { cursor: null, skip: 0, rank: this.rank, done: true }
      : { cursor: this.nextCursor, skip: 0, rank: this.rank, done: false };
  }
}
