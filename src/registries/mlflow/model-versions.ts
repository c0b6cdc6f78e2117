import { type ApiModelVersion, ApiModelVersionPageSchema, type ApiRegisteredModel, parseApi } from "./api-types.js";
import type { MlflowCall, MlflowHttp } from "./mlflow-http.js";

/** Versions asked for per page, and the most pages read: a model with more versions is listed in part. */
const PAGE_SIZE = 1000;
const MAX_PAGES = 20;

/** A registered model's versions (lowest first) and aliases (alias → version). */
export interface ModelVersions {
  versions: ApiModelVersion[];
  aliases: Map<string, string>;
}

/**
 * Every version of a registered model, through `GET model-versions/search` with the filter
 * `name='<name>'`, following next_page_token. MLflow's filter strings have no escapes: a name
 * holding both quote characters cannot be written, and its versions are then those the registered
 * model lists as latest (one per stage).
 */
export async function listVersions(
  http: MlflowHttp,
  registry: string,
  model: ApiRegisteredModel,
  call: MlflowCall,
): Promise<ModelVersions> {
  const quoted = !model.name.includes("'") ? `'${model.name}'` : !model.name.includes('"') ? `"${model.name}"` : null;
  const versions: ApiModelVersion[] = [];
  let token: string | null = null;
  for (let page = 0; quoted !== null && page < MAX_PAGES; page++) {
    const params = { filter: `name=${quoted}`, max_results: PAGE_SIZE, page_token: token };
    const json = await http.getJson("mlflow/model-versions/search", params, call);
    const answer = parseApi(ApiModelVersionPageSchema, json, `versions of ${model.name}`, registry);
    versions.push(...(answer.model_versions ?? []).filter((version) => version.name === model.name));
    token = answer.next_page_token || null;
    if (token === null) break;
  }
  if (quoted === null) versions.push(...(model.latest_versions ?? []));
  const unique = new Map(versions.map((version) => [version.version, version]));
  const aliases = new Map<string, string>();
  for (const version of unique.values()) for (const alias of version.aliases ?? []) aliases.set(alias, version.version);
  for (const { alias, version } of model.aliases ?? []) aliases.set(alias, version);
  return { versions: [...unique.values()].sort((a, b) => Number(a.version) - Number(b.version)), aliases };
}

/**
 * The version a revision names: the highest version number when there is none (stages and
 * statuses play no part), a version number, or an alias. Null when nothing matches.
 */
export function pickVersion(known: ModelVersions, revision: string | null): ApiModelVersion | null {
  if (revision === null) return known.versions.at(-1) ?? null;
  const number = /^\d+$/.test(revision) ? String(Number(revision)) : known.aliases.get(revision);
  return known.versions.find((version) => version.version === number) ?? null;
}

/** The revisions a reference may name: the versions, lowest first, then the aliases. */
export function revisionsOf(known: ModelVersions): string[] {
  return [...known.versions.map((version) => version.version), ...[...known.aliases.keys()].sort()];
}

/** "its versions are 1, 2, 3; its aliases are champion" for a REVISION_NOT_FOUND message. */
export function acceptedRevisions(known: ModelVersions): string {
  const versions = known.versions.map((version) => version.version);
  const shown = versions.length > 20 ? [...versions.slice(0, 10), "…", ...versions.slice(-5)] : versions;
  const aliases = [...known.aliases.keys()].sort();
  const versionText = versions.length > 0 ? `its versions are ${shown.join(", ")}` : "it has no versions";
  return aliases.length > 0 ? `${versionText}; its aliases are ${aliases.join(", ")}` : versionText;
}
