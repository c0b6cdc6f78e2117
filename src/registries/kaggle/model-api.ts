import { RegistryUnavailable } from "../../domain/errors.js";
import type { ModelFile } from "../../domain/model.js";
import {
  ApiListModelInstanceVersionFilesResponseSchema,
  ApiListModelInstanceVersionsResponseSchema,
  ApiListModelsResponseSchema,
  type ApiModel,
  type ApiModelInstance,
  ApiModelInstanceSchema,
  ApiModelSchema,
  parseApi,
} from "./api-types.js";
import { instanceFields, type KaggleHandle } from "./kaggle-handle.js";
import type { KaggleCall, KaggleHttp } from "./kaggle-http.js";

/**
 * The Models API's read methods, one function each, with the requests' fields named as the Kaggle
 * SDK's request types name them (kagglesdk/models/types/model_api_service.py) and their answers
 * checked. Lists that page follow Kaggle's `nextPageToken` lazily.
 */
export interface ModelApi {
  http: KaggleHttp;
  registry: string;
}

/** Versions and files are read this many at a time: kagglehub's own page of files. */
const PAGE_SIZE = 25;
/** A bound on the pages one listing follows, against an endpoint that never stops. */
const MAX_PAGES = 400;

/** ApiListModelsRequest's fields that a search sets. */
export interface ListModelsRequest {
  search?: string;
  /** A ListModelsOrderBy name (`LIST_MODELS_ORDER_BY_VOTE_COUNT`). */
  sortBy: string;
  owner?: string;
  pageSize: number;
  pageToken?: string;
}

export async function listModels(api: ModelApi, request: ListModelsRequest, call: KaggleCall) {
  const json = await api.http.rpc("ListModels", { ...request }, call);
  const answer = parseApi(ApiListModelsResponseSchema, json, "model list", api.registry);
  return { models: answer.models ?? [], nextPageToken: answer.nextPageToken || null };
}

export async function getModel(api: ModelApi, owner: string, model: string, call: KaggleCall): Promise<ApiModel> {
  const json = await api.http.rpc("GetModel", { ownerSlug: owner, modelSlug: model }, call);
  return parseApi(ApiModelSchema, json, `model ${owner}/${model}`, api.registry);
}

/** The instance at its current version (what kagglehub asks to find the latest version). */
export async function getModelInstance(
  api: ModelApi,
  handle: KaggleHandle,
  call: KaggleCall,
): Promise<ApiModelInstance> {
  const json = await api.http.rpc("GetModelInstance", instanceFields(handle), call);
  return parseApi(ApiModelInstanceSchema, json, "model instance", api.registry);
}

/** Every version number of the instance, lowest first. */
export async function listVersionNumbers(api: ModelApi, handle: KaggleHandle, call: KaggleCall): Promise<number[]> {
  const numbers = new Set<number>();
  for await (const page of pages(api.registry, "versions", async (pageToken) => {
    const request = { ...instanceFields(handle), pageSize: PAGE_SIZE, pageToken };
    const json = await api.http.rpc("ListModelInstanceVersions", request, call);
    const answer = parseApi(ApiListModelInstanceVersionsResponseSchema, json, "version list", api.registry);
    return { items: answer.versionList?.versions ?? [], next: answer.nextPageToken || null };
  })) {
    for (const version of page) if (version.versionNumber) numbers.add(version.versionNumber);
  }
  return [...numbers].sort((a, b) => a - b);
}

/** Every file of one version, with its size; Kaggle publishes no sha256. */
export async function listVersionFiles(
  api: ModelApi,
  handle: KaggleHandle,
  version: number,
  call: KaggleCall,
): Promise<ModelFile[]> {
  const files: ModelFile[] = [];
  for await (const page of pages(api.registry, "files", async (pageToken) => {
    const request = { ...instanceFields(handle), versionNumber: version, pageSize: PAGE_SIZE, pageToken };
    const json = await api.http.rpc("ListModelInstanceVersionFiles", request, call);
    const answer = parseApi(ApiListModelInstanceVersionFilesResponseSchema, json, "file list", api.registry);
    return { items: answer.files ?? [], next: answer.nextPageToken || null };
  })) {
    for (const file of page) files.push({ path: file.name, sizeBytes: file.size ?? null, sha256: null });
  }
  return files;
}

/** The request of DownloadModelInstanceVersion for one file of one version (ApiDownloadModelInstanceVersionRequest). */
export function downloadFields(handle: KaggleHandle, version: number, path: string) {
  return { ...instanceFields(handle), versionNumber: version, path };
}

/** Asks for one file's download without following Kaggle's redirect: whether these credentials may download it. */
export async function checkDownload(
  api: ModelApi,
  handle: KaggleHandle,
  version: number,
  path: string,
  call: KaggleCall,
) {
  await api.http.probe("DownloadModelInstanceVersion", downloadFields(handle, version, path), call);
}

/**
 * Follows `nextPageToken` from the first page until Kaggle answers none (or an empty one). A list
 * longer than MAX_PAGES fails rather than end short: a pull must never miss files unnoticed.
 */
async function* pages<T>(
  registry: string,
  what: string,
  fetchPage: (pageToken: string | undefined) => Promise<{ items: T[]; next: string | null }>,
): AsyncGenerator<T[]> {
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items, next } = await fetchPage(token);
    yield items;
    if (next === null) return;
    token = next;
  }
  throw new RegistryUnavailable(registry, `its list of ${what} went on past ${MAX_PAGES} pages.`);
}
