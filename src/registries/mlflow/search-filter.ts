import type { ModelSummary } from "../../domain/model.js";
import { matchesFilter } from "../common/in-memory-search.js";
import type { SearchParams } from "../types.js";
import type { QueryParams } from "./mlflow-http.js";

/** MLflow's most registered models per search page. */
const MAX_RESULTS = 1000;

/**
 * The query of `GET registered-models/search` for a gateway search: every word of the query as a
 * case-insensitive `name ILIKE '%word%'`, the task and `key:value` tags as tag conditions, joined
 * with AND (MLflow's filter grammar); `NAME` and `UPDATED` sort on the server, other sorts keep
 * MLflow's default order (name). The page token is MLflow's own cursor.
 */
export function searchQuery(params: SearchParams): QueryParams {
  const conditions: string[] = [];
  for (const word of (params.query ?? "").split(/\s+/).filter(Boolean)) {
    // LIKE has no escape in MLflow's grammar: a quote becomes `_`, which matches any one character.
    conditions.push(`name ILIKE '%${word.replace(/['"\\]/g, "_")}%'`);
  }
  for (const [key, value] of serverTags(params)) {
    conditions.push(`tags.\`${key}\` = ${quote(value)}`);
  }
  return {
    filter: conditions.length > 0 ? conditions.join(" AND ") : undefined,
    max_results: Math.min(Math.max(params.limit, 1), MAX_RESULTS),
    order_by:
      params.sort === "NAME" ? ["name ASC"] : params.sort === "UPDATED" ? ["last_updated_timestamp DESC"] : undefined,
    page_token: params.cursor ?? undefined,
  };
}

/**
 * Whether a result passes the filters MLflow could not apply (format, author, tags without a
 * value, values its grammar cannot quote). Sizes and opsets are not known before a version is
 * inspected, so those filters are ignored rather than excluding every model.
 */
export function passesLocalFilters(summary: ModelSummary, params: SearchParams): boolean {
  const { sizeBytes: _size, opset: _opset, ...filter } = params.filter;
  return matchesFilter(summary, filter);
}

/** The tag conditions MLflow can evaluate: the task, and `key:value` tags whose key and value it can quote. */
function serverTags(params: SearchParams): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (params.filter.task) pairs.push(["task", params.filter.task]);
  for (const tag of params.filter.tags ?? []) {
    const colon = tag.indexOf(":");
    if (colon > 0) pairs.push([tag.slice(0, colon), tag.slice(colon + 1)]);
  }
  return pairs.filter(([key, value]) => !/[`\\]/.test(key) && !value.includes("\\") && quote(value) !== null);
}

/** A string literal of MLflow's filter grammar, which has no escapes: null when the value holds both quotes. */
function quote(value: string): string | null {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return null;
}
