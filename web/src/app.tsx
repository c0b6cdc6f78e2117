import { useEffect, useRef } from "preact/hooks";
import { session, useSession } from "./api/session.js";
import { KeyPrompt } from "./auth/key-prompt.js";
import { DetailsPage } from "./details/details-page.js";
import { refFromPath } from "./model-path.js";
import { interceptLinks, useRoute } from "./router.js";
import { SearchPage } from "./search/search-page.js";

/**
 * The model browser: a header, the view the URL names (the search at /, a model at
 * /models/<ref>), and the key prompt. Moving to another view moves focus to its heading, so
 * screen readers announce where they are.
 */
export function App() {
  const route = useRoute();
  const { hasKey } = useSession();
  const root = useRef<HTMLDivElement>(null);
  const ref = refFromPath(route.path);

  useEffect(() => (root.current ? interceptLinks(root.current) : undefined), []);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>("main h1");
    heading?.setAttribute("tabindex", "-1");
    heading?.focus({ preventScroll: false });
    if (ref) scrollTo(0, 0);
  }, [route.path]);

  return (
    <div ref={root} class="app">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Model Gateway
        </a>
        <nav aria-label="Gateway">
          {hasKey && (
            <button type="button" class="link-button" onClick={() => session.setKey(null)}>
              Forget API key
            </button>
          )}
          <a href="/graphql">GraphiQL</a>
        </nav>
      </header>
      {ref ? (
        <DetailsPage key={ref} modelRef={ref} />
      ) : route.path === "/" ? (
        <SearchPage search={route.search} />
      ) : (
        <main id="main">
          <h1>Not found</h1>
          <p>
            This page has no view at {route.path}. <a href="/">Search models</a>.
          </p>
        </main>
      )}
      <KeyPrompt />
    </div>
  );
}
