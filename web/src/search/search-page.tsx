import { useEffect, useMemo, useRef } from "preact/hooks";
import { ErrorNotice } from "../api/error-notice.js";
import { useQuery } from "../api/use-query.js";
import { navigate, rememberSearch } from "../router.js";
import { ModelCard } from "./model-card.js";
import { Registries, type RegistryFailure } from "./search-documents.js";
import { SearchFilters } from "./search-filters.js";
import { matchesLicense, parseSearch, searchString, searchVariables } from "./search-params.js";
import { useSearch } from "./use-search.js";

/**
 * The search view: filters, failed registries as notices, and one list of results from every
 * selected registry that reads further pages as the end of the list scrolls into view.
 */
export function SearchPage({ search }: { search: string }) {
  const state = useMemo(() => parseSearch(search), [search]);
  const registries = useQuery(Registries, {});
  const enabled = (registries.data?.registries ?? []).filter((r) => r.enabled).map((r) => r.name);
  const results = useSearch(useMemo(() => searchVariables(state), [state]));
  const shown = results.edges.filter((edge) => matchesLicense(edge.node.license, state.license));
  // One notice for one cause: without a key, the registries and the search fail alike.
  const refusal = results.error ?? registries.error;

  useEffect(() => rememberSearch(search), [search]);
  useEffect(() => {
    document.title = state.query ? `${state.query} — Model Gateway` : "Model Gateway";
  }, [state.query]);

  return (
    <main id="main" class="search-page">
      <h1 class="visually-hidden">Search models</h1>
      <SearchFilters state={state} registries={enabled} onChange={(next) => navigate(`/${searchString(next)}`)} />
      {refusal && <ErrorNotice error={refusal} />}
      {results.failures.map((failure) => (
        <FailureNotice key={failure.registry} failure={failure} />
      ))}
      <p class="result-count" role="status">
        {results.searching
          ? "Searching…"
          : refusal
            ? "No results: the search did not run."
            : `${shown.length} ${shown.length === 1 ? "model" : "models"} shown${results.hasMore ? ", more as you scroll" : ""}`}
      </p>
      <div class="results" aria-busy={results.searching}>
        {shown.map((edge) => (
          <ModelCard key={edge.node.ref} model={edge.node} />
        ))}
      </div>
      {!results.searching && shown.length === 0 && !results.hasMore && !results.error && (
        <p class="empty">No model matches this search.</p>
      )}
      <MoreResults
        hasMore={results.hasMore}
        loading={results.loadingMore}
        count={results.edges.length}
        onMore={results.loadMore}
      />
    </main>
  );
}

/** A registry that failed: its results are missing, the others are listed. */
function FailureNotice({ failure }: { failure: RegistryFailure }) {
  return (
    <div class="notice notice-warn" role="alert">
      <p>
        <strong>{failure.registry}</strong> did not answer: {failure.message} <code>{failure.code}</code>
        {failure.retryAfterSeconds != null && ` Try again in ${failure.retryAfterSeconds} s.`} Results from the other
        registries are listed.
      </p>
    </div>
  );
}

/**
 * The end of the list: it reads the next page whenever it is in view (again after each page, so
 * a tall screen or a narrow licence filter fills up), and offers a button for keyboards.
 */
function MoreResults(props: { hasMore: boolean; loading: boolean; count: number; onMore(): void }) {
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasMore, loading, count, onMore } = props;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasMore || loading) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) onMore();
      },
      { rootMargin: "400px 0px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasMore, loading, count, onMore]);
  if (!hasMore) return null;
  return (
    <div ref={sentinel} class="more">
      <button type="button" onClick={onMore} disabled={loading}>
        {loading ? "Loading more…" : "Load more results"}
      </button>
    </div>
  );
}
