import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { GatewayRequestError } from "../../../src/client/gateway-client.js";
import { session, useSession } from "../api/session.js";
import { asGatewayError } from "../api/use-query.js";
import { type RegistryFailure, type SearchEdge, SearchModels, type SearchVariables } from "./search-documents.js";

/** A search's results so far, across the pages read. */
export interface SearchResults {
  edges: SearchEdge[];
  /** Registries that failed on any page read, by name (the latest word for each). */
  failures: RegistryFailure[];
  /** True while the first page of a new search is on its way. */
  searching: boolean;
  /** True while a further page is on its way. */
  loadingMore: boolean;
  hasMore: boolean;
  error: GatewayRequestError | null;
  /** Reads the next page, unless one is on its way or there is none. */
  loadMore(): void;
}

interface Pages {
  edges: SearchEdge[];
  failures: RegistryFailure[];
  endCursor: string | null;
  hasMore: boolean;
  searching: boolean;
  loadingMore: boolean;
  error: GatewayRequestError | null;
}

const EMPTY: Pages = {
  edges: [],
  failures: [],
  endCursor: null,
  hasMore: false,
  searching: true,
  loadingMore: false,
  error: null,
};

/**
 * Follows the connection's cursor: a new search (its variables changed) starts from its first
 * page and cancels whatever the previous one was reading; loadMore appends the next page.
 */
export function useSearch(variables: Omit<SearchVariables, "after">): SearchResults {
  const { client, generation } = useSession();
  const [pages, setPages] = useState<Pages>(EMPTY);
  const run = useRef<AbortController | null>(null);
  // The latest pages, for loadMore: it may be called again before the page re-renders.
  const latest = useRef(pages);
  latest.current = pages;
  const key = JSON.stringify(variables);

  const read = useCallback(
    (after: string | null, controller: AbortController) => {
      client.request(SearchModels, { ...variables, after }, controller.signal).then(
        ({ searchModels: page }) => {
          if (controller.signal.aborted) return;
          setPages((previous) => ({
            edges: after === null ? page.edges : [...previous.edges, ...page.edges],
            failures: mergeFailures(after === null ? [] : previous.failures, page.failures),
            endCursor: page.pageInfo.endCursor ?? null,
            hasMore: page.pageInfo.hasNextPage,
            searching: false,
            loadingMore: false,
            error: null,
          }));
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          session.handle(error);
          setPages((previous) => ({ ...previous, searching: false, loadingMore: false, error: asGatewayError(error) }));
        },
      );
    },
    [client, key],
  );

  useEffect(() => {
    const controller = new AbortController();
    run.current = controller;
    latest.current = EMPTY;
    setPages(EMPTY);
    read(null, controller);
    return () => controller.abort();
  }, [read, generation]);

  const loadMore = useCallback(() => {
    const controller = run.current;
    const now = latest.current;
    if (!controller || now.searching || now.loadingMore || !now.hasMore || now.error) return;
    latest.current = { ...now, loadingMore: true };
    setPages(latest.current);
    read(now.endCursor, controller);
  }, [read]);

  return { ...pages, loadMore };
}

function mergeFailures(previous: RegistryFailure[], latest: RegistryFailure[]): RegistryFailure[] {
  const byRegistry = new Map(previous.map((failure) => [failure.registry, failure]));
  for (const failure of latest) byRegistry.set(failure.registry, failure);
  return [...byRegistry.values()];
}
