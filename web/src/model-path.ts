/** Model references and the page addresses that name them (no DOM here: unit-tested in Node). */

/**
 * The page's address of a model: /models/<ref>, each path segment escaped, so references with
 * `/`, `:` and `@` stay readable and any other character survives the round trip.
 */
export function modelPath(ref: string): string {
  const escapeSegment = (segment: string) => encodeURIComponent(segment).replace(/%3A/gi, ":").replace(/%40/gi, "@");
  return `/models/${ref.split("/").map(escapeSegment).join("/")}`;
}

/** The model reference a /models/<ref> path names; null for any other path. */
export function refFromPath(path: string): string | null {
  if (!path.startsWith("/models/")) return null;
  try {
    const ref = path.slice("/models/".length).split("/").map(decodeURIComponent).join("/");
    return ref.length > 0 ? ref : null;
  } catch {
    return null;
  }
}

/** The reference without its revision: `hf:org/name@main` → `hf:org/name`. */
export function baseRef(ref: string): string {
  const at = ref.indexOf("@", ref.indexOf(":") + 1);
  return at < 0 ? ref : ref.slice(0, at);
}

/** The revision a reference names, if any. */
export function refRevision(ref: string): string | null {
  const base = baseRef(ref);
  return base.length < ref.length ? ref.slice(base.length + 1) : null;
}
