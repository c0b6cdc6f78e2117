import { createHash } from "node:crypto";
import { z } from "zod";
import { InvalidInput } from "../domain/errors.js";
import type { ModelFilter, ModelSort } from "../domain/model.js";

/** Where one registry's results continue: its own page cursor, how many of that page were used. */
export interface RegistryPosition {
  /** The registry's cursor for the page holding the next result (null: its first page). */
  cursor: string | null;
  /** Results of that page already returned. */
  skip: number;
  /** Results of this registry returned so far (their rank, for relevance interleaving). */
  rank: number;
  /** No more results in this registry. */
  done: boolean;
}

/** The gateway's search cursor: every selected registry's position, bound to one search. */
export interface SearchCursor {
  fingerprint: string;
  /** Page size asked of registries; kept for the whole search so their cursors stay valid. */
  limit: number;
  positions: Record<string, RegistryPosition>;
}

const VERSION = 1;

const wire = z.object({
  v: z.literal(VERSION),
  f: z.string().regex(/^[0-9a-f]{16}$/),
  l: z.number().int().min(1).max(100),
  p: z.record(
    z.string().max(64),
    z.union([
      z.tuple([z.string().max(4096).nullable(), z.number().int().min(0).max(10_000), z.number().int().min(0)]),
      z.tuple([z.literal("done"), z.number().int().min(0)]),
    ]),
  ),
});

export function encodeCursor(cursor: SearchCursor): string {
  const positions = Object.fromEntries(
    Object.entries(cursor.positions).map(([name, p]) => [name, p.done ? ["done", p.rank] : [p.cursor, p.skip, p.rank]]),
  );
  const json = JSON.stringify({ v: VERSION, f: cursor.fingerprint, l: cursor.limit, p: positions });
  return Buffer.from(json).toString("base64url");
}

const NOT_OURS =
  "`after` is not a cursor from this search; pass the `endCursor` (or an edge's `cursor`) of a previous searchModels page with the same query, registries, filter and sort, or leave it out to start over.";

/** Decodes a cursor and checks it belongs to the search described by `fingerprint` and `registries`. */
export function decodeCursor(text: string, fingerprint: string, registries: readonly string[]): SearchCursor {
  let parsed: z.infer<typeof wire>;
  try {
    parsed = wire.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
  } catch {
    throw new InvalidInput(NOT_OURS, { field: "after" });
  }
  const names = Object.keys(parsed.p).sort();
  if (parsed.f !== fingerprint || names.join(",") !== [...registries].sort().join(",")) {
    throw new InvalidInput(NOT_OURS, { field: "after" });
  }
  const positions: Record<string, RegistryPosition> = {};
  for (const [name, p] of Object.entries(parsed.p)) {
    positions[name] =
      p[0] === "done"
        ? { cursor: null, skip: 0, rank: p[1], done: true }
        : { cursor: p[0], skip: p[1], rank: p[2] as number, done: false };
  }
  return { fingerprint: parsed.f, limit: parsed.l, positions };
}

/** Identifies a search by what decides its results, so a cursor cannot be replayed on another. */
export function searchFingerprint(
  query: string | null,
  registries: readonly string[],
  filter: ModelFilter,
  sort: ModelSort,
): string {
  const canonical = JSON.stringify([query, [...registries].sort(), canonicalFilter(filter), sort]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

/** The filter with a fixed key order and without empty fields. */
export function canonicalFilter(filter: ModelFilter): ModelFilter {
  const range = (r: ModelFilter["sizeBytes"]) =>
    r && (r.min != null || r.max != null) ? { min: r.min ?? null, max: r.max ?? null } : null;
  return {
    task: filter.task ?? null,
    tags: filter.tags?.length ? [...filter.tags].sort() : null,
    format: filter.format ?? null,
    author: filter.author ?? null,
    library: filter.library ?? null,
    sizeBytes: range(filter.sizeBytes),
    opset: range(filter.opset),
  };
}
