import type { Plugin } from "graphql-yoga";
import type { WebAssets, WebFile } from "../web-assets.js";

/**
 * The model browser's policy: its own scripts, styles and API only, nothing inline, nothing from
 * another origin, never framed.
 */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const COMMON_HEADERS = {
  "content-security-policy": WEB_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  vary: "accept-encoding",
};

/** Asset names as the build writes them: no slash, no leading dot, so no way out of assets/. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Serves the model browser: its page at / and /models/<ref> (the page routes itself; the HTML is
 * never cached, so a new build is picked up at once) and its files at /assets/<name> (hashed
 * names, cached for a year as immutable). Files are looked up by name among those built, never
 * by path. GraphiQL stays at /graphql.
 */
export function useWebApp(web: WebAssets | null): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      const path = url.pathname;
      const isPage = path === "/" || path.startsWith("/models/");
      const isAsset = path.startsWith("/assets/");
      if (!isPage && !isAsset) return;
      if (request.method !== "GET" && request.method !== "HEAD") {
        return endResponse(new Response(null, { status: 405, headers: { allow: "GET, HEAD", ...COMMON_HEADERS } }));
      }
      if (!web) {
        return endResponse(
          text(503, "The model browser is not built: run `npm run build:web` (npm install does it too)."),
        );
      }
      if (isPage) return endResponse(serve(request, web.index, "no-cache"));
      const name = path.slice("/assets/".length);
      const file = ASSET_NAME.test(name) ? web.assets.get(name) : undefined;
      if (!file) return endResponse(text(404, "No such asset."));
      endResponse(serve(request, file, "public, max-age=31536000, immutable"));
    },
  };
}

/** A file's response: gzip when the client takes it, 304 when it has this version already. */
function serve(request: Request, file: WebFile, cacheControl: string): Response {
  const headers: Record<string, string> = {
    ...COMMON_HEADERS,
    "content-type": file.contentType,
    "cache-control": cacheControl,
    etag: file.etag,
  };
  if (request.headers.get("if-none-match") === file.etag) return new Response(null, { status: 304, headers });
  const gzip = file.gzip && /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
  const body = gzip && file.gzip ? file.gzip : file.body;
  if (gzip) headers["content-encoding"] = "gzip";
  headers["content-length"] = String(body.byteLength);
  return new Response(request.method === "HEAD" ? null : body, { status: 200, headers });
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { ...COMMON_HEADERS, "content-type": "text/plain; charset=utf-8" } });
}
