import { listFiles } from "@huggingface/hub";
import { GatedModel, RegistryUnavailable } from "../../domain/errors.js";
import type { AccessStatus, ModelFile, ModelInfo } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import { sortSummaries } from "../../domain/search-order.js";
import type { FileDownload } from "../../download/download-file.js";
import type { Logger } from "../../logger.js";
import { lookUpEach } from "../common/batch-lookup.js";
import type { ModelFileList, ModelManager, RegistryQuota, SearchPage, SearchParams } from "../types.js";
import { type ApiModelInfo, ApiModelInfoSchema, ApiModelListSchema, parseApi } from "./api-types.js";
import { type FailureContext, HubAnswerError, toGatewayError } from "./hub-errors.js";
import { type HubCall, HubHttp } from "./hub-http.js";
import { encodeFilePath, isCommitSha, validateRepoId, validateRevision } from "./hub-ids.js";
import { filesFromSiblings, knownAccess, type MappingContext, toInfo, toSummary } from "./model-mapping.js";
import { nextCursor, searchQuery } from "./search-query.js";

export interface HfRegistryOptions {
  /** The instance's name: the prefix of its references. */
  name: string;
  endpoint: string;
  token: string | null;
  cacheTtlSeconds: number;
  maxRetries: number;
  retryBackoffMs: number;
  retryBudgetMs: number;
  fetch: typeof fetch;
  logger: Logger;
}

/** How many info requests of one batch run at once: a page of results should not burst the quota. */
const INFO_CONCURRENCY = 8;

/**
 * The Hugging Face Hub (or a mirror at HF_ENDPOINT): search through /api/models, model info with
 * file sizes and LFS hashes, access checks for gated repositories, and downloads resolved to a
 * commit. Ids and revisions are checked against the Hub's rules before any request.
 */
export class HfRegistry implements ModelManager {
  readonly name: string;
  readonly kind = "huggingface";
  readonly location: string;
  readonly infoCacheTtlMs: number;
  private readonly http: HubHttp;
  private readonly mapping: MappingContext;

  constructor(private readonly options: HfRegistryOptions) {
    this.name = options.name;
    this.location = options.endpoint;
    this.infoCacheTtlMs = options.cacheTtlSeconds * 1000;
    this.mapping = { registry: this.name, endpoint: options.endpoint, hasToken: options.token !== null };
    this.http = new HubHttp({
      registry: this.name,
      endpoint: options.endpoint,
      token: options.token,
      fetch: options.fetch,
      logger: options.logger,
      maxRetries: options.maxRetries,
      backoffMs: options.retryBackoffMs,
      budgetMs: options.retryBudgetMs,
    });
  }

  quota(): RegistryQuota | null {
    return this.http.quota();
  }

  async searchModels(params: SearchParams, signal: AbortSignal): Promise<SearchPage> {
    const call = this.http.call(signal);
    const { json, headers } = await this.http
      .getJson(`/api/models?${searchQuery(params)}`, call)
      .catch(this.failure({}));
    const items = parseApi(ApiModelListSchema, json, "model list", this.name).map((api) =>
      toSummary(api, this.mapping),
    );
    return {
      items: params.sort === "NAME" ? sortSummaries(items, "NAME") : items,
      nextCursor: nextCursor(headers.get("link")),
    };
  }

  async getModelInfos(refs: readonly ModelRef[], signal: AbortSignal): Promise<Array<ModelInfo | Error>> {
    const call = this.http.call(signal);
    return lookUpEach(refs, INFO_CONCURRENCY, async (ref) => {
      const { api, files } = await this.fetchInfo(ref, call);
      return toInfo(api, files, await this.accessOf(api, ref, call), this.mapping);
    });
  }

  /** The files at the revision's commit; a gated model the token cannot download fails here, before any download. */
  async listModelFiles(ref: ModelRef, signal: AbortSignal): Promise<ModelFileList> {
    const call = this.http.call(signal);
    const { api, files } = await this.fetchInfo(ref, call);
    const access = await this.accessOf(api, ref, call);
    if (access === "REQUIRES_TOKEN" || access === "DENIED") {
      throw new GatedModel(formatModelRef(ref), this.pageUrl(ref), { registry: this.name });
    }
    return { revision: api.sha ?? null, files };
  }

  /**
   * Asks the Hub where the file is (HEAD on its resolve URL, as the Hub's own clients do) and
   * returns the resolve URL pinned to the commit, with the size and sha256 the Hub states
   * (X-Linked-Size, X-Linked-Etag). The redirect to the CDN is not followed: its headers are the answer.
   */
  async resolveDownload(ref: ModelRef, file: ModelFile, signal: AbortSignal): Promise<FileDownload> {
    this.validate(ref);
    const path = encodeFilePath(file.path);
    const revision = encodeURIComponent(ref.revision ?? "main");
    const reply = await this.http
      .head(`/${ref.id}/resolve/${revision}/${path}`, this.http.call(signal))
      .catch(this.failure({ ref, path: file.path }));
    const commit = reply.headers.get("x-repo-commit") ?? (isCommitSha(ref.revision) ? ref.revision : null);
    if (!commit) throw new RegistryUnavailable(this.name, `it did not name the commit of ${file.path}.`);
    const linkedEtag = reply.headers
      .get("x-linked-etag")
      ?.replace(/^(W\/)?"|"$/g, "")
      .toLowerCase();
    const size =
      reply.headers.get("x-linked-size") ?? (reply.status === 200 ? reply.headers.get("content-length") : null);
    return {
      url: `${this.options.endpoint}/${ref.id}/resolve/${commit}/${path}`,
      headers: this.options.token ? { authorization: `Bearer ${this.options.token}` } : {},
      sizeBytes: size !== null && /^\d+$/.test(size) ? Number(size) : file.sizeBytes,
      sha256: linkedEtag && /^[0-9a-f]{64}$/.test(linkedEtag) ? linkedEtag : file.sha256,
    };
  }

  /** The model info with blobs=true (sizes and LFS hashes); the tree API when the endpoint gives no sizes. */
  private async fetchInfo(ref: ModelRef, call: HubCall): Promise<{ api: ApiModelInfo; files: ModelFile[] }> {
    this.validate(ref);
    const revision = ref.revision === null ? "" : `/revision/${encodeURIComponent(ref.revision)}`;
    const fail = this.failure({ ref });
    const { json } = await this.http.getJson(`/api/models/${ref.id}${revision}?blobs=true`, call).catch(fail);
    const api = parseApi(ApiModelInfoSchema, json, `info of ${ref.id}`, this.name);
    const files = filesFromSiblings(api.siblings ?? []) ?? (await this.listTree(api, ref, call).catch(fail));
    return { api, files };
  }

  private async listTree(api: ApiModelInfo, ref: ModelRef, call: HubCall): Promise<ModelFile[]> {
    const files: ModelFile[] = [];
    const entries = listFiles({
      repo: { type: "model", name: api.id },
      revision: api.sha ?? ref.revision ?? "main",
      recursive: true,
      hubUrl: this.options.endpoint,
      fetch: this.http.fetchFor(call),
    });
    for await (const entry of entries) {
      if (entry.type !== "file") continue;
      files.push({ path: entry.path, sizeBytes: entry.lfs?.size ?? entry.size, sha256: entry.lfs?.oid ?? null });
    }
    return files;
  }

  /** PUBLIC, PRIVATE or REQUIRES_TOKEN from the info; for a gated model and a token, the Hub's auth-check. */
  private async accessOf(api: ApiModelInfo, ref: ModelRef, call: HubCall): Promise<AccessStatus> {
    const known = knownAccess(api, this.mapping.hasToken);
    if (known) return known;
    try {
      await this.http.get(`/api/models/${api.id}/auth-check`, call);
      return "GATED";
    } catch (error) {
      if (error instanceof HubAnswerError && (error.status === 401 || error.status === 403)) return "DENIED";
      return this.failure({ ref })(error);
    }
  }

  private validate(ref: ModelRef): void {
    validateRepoId(ref.id);
    if (ref.revision !== null) validateRevision(ref.revision);
  }

  private pageUrl(ref: ModelRef): string {
    return `${this.options.endpoint}/${ref.id}`;
  }

  /** A rejection handler that turns the Hub's answers into domain errors about `ref`. */
  private failure(about: { ref?: ModelRef; path?: string }): (error: unknown) => never {
    const { ref, path } = about;
    const context: FailureContext = {
      registry: this.name,
      hasToken: this.mapping.hasToken,
      path,
      ...(ref && { ref: formatModelRef(ref), revision: ref.revision, pageUrl: this.pageUrl(ref) }),
    };
    return (error) => {
      throw toGatewayError(error, context);
    };
  }
}
