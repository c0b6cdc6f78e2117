import pLimit from "p-limit";
import { z } from "zod";
import { InvalidInput } from "../../domain/errors.js";
import type { ModelFilter, ModelSort, ModelSummary } from "../../domain/model.js";
import { sortSummaries } from "../../domain/search-order.js";
import { inRange } from "../common/in-memory-search.js";
import type { SearchPage, SearchParams } from "../types.js";
import type { ApiModel } from "./api-types.js";
import { type Framework, findFramework } from "./frameworks.js";
import type { KaggleCall } from "./kaggle-http.js";
import { getModel, listModels, type ModelApi } from "./model-api.js";
import { instanceSummary, modelSlugs, taskKey } from "./model-mapping.js";

/**
 * Kaggle's orders (ListModelsOrderBy) for the gateway's sorts. RELEVANCE is Kaggle's hotness, the
 * Kaggle CLI's default; Kaggle cannot sort by name, so NAME asks for hotness and sorts each page.
 */
const ORDERS: Record<ModelSort, string> = {
  RELEVANCE: "LIST_MODELS_ORDER_BY_HOTNESS",
  DOWNLOADS: "LIST_MODELS_ORDER_BY_DOWNLOAD_COUNT",
  LIKES: "LIST_MODELS_ORDER_BY_VOTE_COUNT",
  UPDATED: "LIST_MODELS_ORDER_BY_UPDATE_TIME",
  NAME: "LIST_MODELS_ORDER_BY_HOTNESS",
};

/** Models asked of Kaggle per page, at most (the Kaggle CLI asks for 20). */
const MAX_PAGE_SIZE = 50;
/** Kaggle pages one search call reads at most while filters leave its page short. */
const MAX_PAGES_PER_CALL = 5;
/** GetModel calls at once, for listed models whose instances the list left out. */
const EXPANSION_CONCURRENCY = 4;

/**
 * Where a search continues: Kaggle's page token (null: its first page), how many of that page's
 * results (its models' instances, filtered) were already returned, and the page size the token
 * was made for. A page of Kaggle models holds more instances than the gateway asked for, so the
 * rest of it is read again from its token rather than returned: pages stay the size asked for.
 */
const CursorSchema = z.object({
  t: z.string().max(2048).nullable(),
  s: z.number().int().min(0).max(100_000),
  n: z.number().int().min(1).max(MAX_PAGE_SIZE),
});
type Cursor = z.infer<typeof CursorSchema>;

/** Searches Kaggle's models, one result per model instance, following Kaggle's page tokens. */
export async function searchInstances(api: ModelApi, params: SearchParams, call: KaggleCall): Promise<SearchPage> {
  const start = decodeCursor(params.cursor, api.registry) ?? {
    t: null,
    s: 0,
    n: Math.min(params.limit, MAX_PAGE_SIZE),
  };
  const items: ModelSummary[] = [];
  let token = start.t;
  let skip = start.s;
  for (let page = 0; page < MAX_PAGES_PER_CALL; page++) {
    const answer = await listModels(
      api,
      {
        search: params.query ?? undefined,
        sortBy: ORDERS[params.sort],
        owner: params.filter.author ?? undefined,
        pageSize: start.n,
        pageToken: token ?? undefined,
      },
      call,
    );
    const results = (await expand(api, answer.models, params, call)).slice(skip);
    const room = params.limit - items.length;
    items.push(...results.slice(0, room));
    if (results.length > room) return { items, nextCursor: encodeCursor({ t: token, s: skip + room, n: start.n }) };
    const next = answer.nextPageToken;
    if (next === null) return { items, nextCursor: null };
    token = next;
    skip = 0;
    if (items.length === params.limit) break;
  }
  return { items, nextCursor: encodeCursor({ t: token, s: 0, n: start.n }) };
}

/** A page's models as their instances' summaries, filtered, in the order the sort asks for. */
async function expand(api: ModelApi, models: ApiModel[], params: SearchParams, call: KaggleCall) {
  const limit = pLimit(EXPANSION_CONCURRENCY);
  const complete = await Promise.all(
    models.map((model) => {
      const slugs = modelSlugs(model);
      if ((model.instances ?? []).length > 0 || !slugs) return model;
      return limit(() => getModel(api, slugs.owner, slugs.model, call));
    }),
  );
  const summaries = complete.flatMap((model) =>
    (model.instances ?? []).flatMap((instance) => {
      const summary = instanceSummary(model, instance, api.registry);
      const framework = findFramework(instance.framework ?? "");
      return summary && framework && matches(summary, framework, params.filter) ? [summary] : [];
    }),
  );
  return params.sort === "NAME" ? sortSummaries(summaries, "NAME") : summaries;
}

/**
 * The filters Kaggle's ListModels cannot apply, applied to each instance: format (the framework),
 * library (a framework's name), task and tags (Kaggle's tags), size. Author is Kaggle's `owner`.
 */
function matches(summary: ModelSummary, framework: Framework, filter: ModelFilter): boolean {
  const tags = summary.tags.map(taskKey);
  return (
    (!filter.format || summary.format === filter.format) &&
    (!filter.library || findFramework(filter.library) === framework) &&
    (!filter.task || tags.includes(taskKey(filter.task))) &&
    (!filter.tags || filter.tags.every((tag) => tags.includes(taskKey(tag)))) &&
    (!filter.author || summary.author?.toLowerCase() === filter.author.toLowerCase()) &&
    inRange(summary.sizeBytes, filter.sizeBytes)
  );
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(text: string | null, registry: string): Cursor | null {
  if (text === null) return null;
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
  } catch {
    throw new InvalidInput(`Invalid page cursor for registry ${registry}; pass the endCursor of a previous page.`, {
      field: "after",
    });
  }
}
