import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";

/** One file of the model browser, held in memory with its compressed form. */
export interface WebFile {
  body: Uint8Array<ArrayBuffer>;
  /** Its gzip form, when that is smaller. */
  gzip: Uint8Array<ArrayBuffer> | null;
  contentType: string;
  etag: string;
}

/** The built model browser: its page, and its assets by file name. */
export interface WebAssets {
  index: WebFile;
  assets: ReadonlyMap<string, WebFile>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

/**
 * Reads the built model browser (web/dist: index.html and assets/) once, when the gateway is
 * built: a few small files, so they are served from memory, compressed once. Only files found
 * here can ever be served, by name: a request cannot name a path outside them. Null when the
 * page is not built.
 */
export function loadWebAssets(dir: string): WebAssets | null {
  let index: Uint8Array<ArrayBuffer>;
  try {
    index = readFileSync(join(dir, "index.html"));
  } catch {
    return null;
  }
  const assets = new Map<string, WebFile>();
  for (const entry of listFiles(join(dir, "assets"))) {
    const type = TYPES[extname(entry)];
    if (type) assets.set(entry, webFile(readFileSync(join(dir, "assets", entry)), type));
  }
  return { index: webFile(index, TYPES[".html"] as string), assets };
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function webFile(body: Uint8Array<ArrayBuffer>, contentType: string): WebFile {
  const compressed = gzipSync(body, { level: 9 });
  return {
    body,
    gzip: compressed.length < body.length ? compressed : null,
    contentType,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
  };
}
