import { InvalidInput } from "../../domain/errors.js";
import { ApiCatalogSchema, ApiTagListSchema, parseApi, parseJson } from "./api-types.js";
import { isRepositoryName } from "./references.js";
import type { RegistryCall, RegistryHttp } from "./registry-http.js";

/** Repository names, each with the position that resumes after it (null: nothing follows). */
export interface NamePage {
  entries: Array<{ name: string; after: string | null }>;
  /** Where the next page starts; null at the end. */
  next: string | null;
}

/** Where a search finds repository names: the registry's catalog, or a configured list. */
export interface RepositorySource {
  /** Names after `position` (null: from the start). */
  page(position: string | null, call: RegistryCall): Promise<NamePage>;
}

/** A configured list of repositories (Ollama's registry has no search API): positions are offsets. */
export class ListedRepositories implements RepositorySource {
  constructor(private readonly names: readonly string[]) {}

  async page(position: string | null): Promise<NamePage> {
    const offset = position === null ? 0 : Number(position);
    const entries = this.names.slice(offset).map((name, i) => {
      const after = offset + i + 1;
      return { name, after: after < this.names.length ? String(after) : null };
    });
    return { entries, next: null };
  }
}

/**
 * `GET /v2/_catalog?n=<n>&last=<name>`, the distribution spec's paged listing: a position is the
 * last name seen, which is what `last` takes, and a Link header says whether more follow.
 */
export class CatalogRepositories implements RepositorySource {
  constructor(
    private readonly http: RegistryHttp,
    private readonly registry: string,
    private readonly pageSize: number,
  ) {}

  async page(position: string | null, call: RegistryCall): Promise<NamePage> {
    const query = new URLSearchParams({ n: String(this.pageSize) });
    if (position !== null) query.set("last", position);
    const reply = await this.http.request(
      `/v2/_catalog?${query}`,
      { scope: "registry:catalog:*", accept: "application/json" },
      call,
    );
    const catalog = parseApi(
      ApiCatalogSchema,
      parseJson(reply.body, "catalog", this.registry),
      "catalog",
      this.registry,
    );
    const listed = catalog.repositories ?? [];
    const last = listed.at(-1);
    const next = last && /rel="?next"?/.test(reply.headers.get("link") ?? "") ? last : null;
    const entries = listed.map((name, i) => ({ name, after: i === listed.length - 1 ? next : name }));
    return { entries, next };
  }
}

/** Checks a search cursor this registry made: a catalog name or a list offset. */
export function checkPosition(cursor: string | null, listed: boolean): string | null {
  if (cursor === null) return null;
  if (listed ? /^\d{1,7}$/.test(cursor) : isRepositoryName(cursor)) return cursor;
  throw new InvalidInput(`Invalid page cursor "${cursor}" for this registry.`, { field: "after" });
}

/** A repository's tags (the first thousand), in version order. */
export async function listTags(
  http: RegistryHttp,
  repository: string,
  registry: string,
  call: RegistryCall,
): Promise<string[]> {
  const reply = await http.request(
    `/v2/${repository}/tags/list?n=1000`,
    { scope: `repository:${repository}:pull`, accept: "application/json" },
    call,
  );
  const json = parseJson(reply.body, `tags of ${repository}`, registry);
  return (parseApi(ApiTagListSchema, json, `tags of ${repository}`, registry).tags ?? []).sort(compareVersions);
}

/** The tag a search result names: `latest` when there is one, else the highest in version order. */
export function defaultTag(tags: readonly string[]): string | null {
  if (tags.includes("latest")) return "latest";
  // Cosign's signatures and attestations are tags too (sha256-<hex>.sig); they are not models.
  const candidates = tags.filter((tag) => !/^sha256-[a-f0-9]{64}/.test(tag));
  return [...candidates].sort(compareVersions).at(-1) ?? null;
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Natural order: v1.10 after v1.9, 8b after 1b. */
function compareVersions(a: string, b: string): number {
  return collator.compare(a, b);
}
