import { useEffect, useState } from "preact/hooks";

/** Where the page is: the path and the query string (with its "?"). */
export interface Route {
  path: string;
  search: string;
}

const listeners = new Set<() => void>();
let searchShown = "";
const current = (): Route => ({ path: location.pathname, search: location.search });

/**
 * Moves to another view of the page without reloading it. Each move is a history entry (the back
 * button returns to the previous search or model) unless `replace` says the entry is refined.
 */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const url = new URL(href, location.href);
  if (url.href === location.href) return;
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  for (const listener of listeners) listener();
}

/** Notes the search last shown, so a model's page can lead back to it. */
export function rememberSearch(search: string): void {
  searchShown = search;
}

/** The query string of the search last shown ("" for none). */
export function lastSearch(): string {
  return searchShown;
}

/** The current route; the component re-renders on every navigation, back and forward included. */
export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    listeners.add(update);
    addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      removeEventListener("popstate", update);
    };
  }, []);
  return route;
}

/**
 * Turns clicks on the page's own links into navigations: a plain left click on a same-origin link
 * to one of the page's views stays in the page; other clicks (new tab, GraphiQL) are the browser's.
 */
export function interceptLinks(root: HTMLElement): () => void {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (event.altKey) return;
    const link = (event.target as Element | null)?.closest("a");
    if (!link || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !isPageView(url.pathname)) return;
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return; // an anchor
    event.preventDefault();
    navigate(url.href);
  };
  root.addEventListener("click", onClick);
  return () => root.removeEventListener("click", onClick);
}

function isPageView(path: string): boolean {
  return path === "/" || path.startsWith("/models/");
}
