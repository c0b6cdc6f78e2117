import { LRUCache } from "lru-cache";
import { FileNotFound } from "../../domain/errors.js";
import type { ModelFile, ModelInfo, ModelSummary } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import { sortSummaries } from "../../domain/search-order.js";
import type { FileDownload } from "../../download/download-file.js";
import type { Logger } from "../../logger.js";
import { lookUpEach } from "../common/batch-lookup.js";
import type { ModelFileList, ModelManager, RegistryQuota, SearchPage, SearchParams } from "../types.js";
import { fileDownloadPath, isCommitId, type ModelScopeId, parseModelId, validateRevision } from "./model-ids.js";
import { filesFrom, type MappingContext, toInfo, toSummary } from "./model-mapping.js";
import { ModelScopeApi } from "./modelscope-api.js";
import { type ModelScopeCall, ModelScopeHttp } from "./modelscope-http.js";
import { type ChosenRevision, chooseRevision } from "./revisions.js";
import { nextCursor, searchQuery } from "./search-query.js";

export interface ModelScopeRegistryOptions {
  /** The instance's name: the prefix of its references. */
  name: string;
  /** MODELSCOPE_ENDPOINT (https://www.modelscope.cn, or the international https://modelscope.ai). */
  endpoint: string;
  token: string | null;
  cacheTtlSeconds: number;
  maxRetries: number;
  retryBackoffMs: number;
  retryBudgetMs: number;
  fetch: typeof fetch;
  logger: Logger;
}

/** How many models of one batch are read at once: a page of results should not burst ModelScope. */
const INFO_CONCURRENCY = 8;

/** A model read at a revision: the revision it resolved to and its files there. */
interface Snapshot {
  revision: ChosenRevision & { resolved: string };
  files: ModelFile[];
}

/**
 * ModelScope ("the Hugging Face of Asia"): search through its OpenAPI, model info, branches and
 * tags, recursive file lists with sizes and sha256, and downloads from its file endpoint pinned to
 * the commit a revision resolved to. Ids and revisions are checked before any request.
 */
export class ModelScopeRegistry implements ModelManager {
  readonly name: string;
  readonly kind = "modelscope";
  readonly location: string;
  readonly infoCacheTtlMs: number;
  private readonly http: ModelScopeHttp;
  private readonly api: ModelScopeApi;
  private readonly mapping: MappingContext;
  /** Files at a commit never change: listings by commit serve every download of a pull. */
  private readonly filesByCommit = new LRUCache<string, ModelFile[]>({ max: 256 });

  constructor(private readonly options: ModelScopeRegistryOptions) {
    this.name = options.name;
    this.location = options.endpoint;
    this.infoCacheTtlMs = options.cacheTtlSeconds * 1000;
    this.mapping = { registry: this.name, endpoint: options.endpoint, hasToken: options.token !== null };
    this.http = new ModelScopeHttp({
      registry: this.name,
      endpoint: options.endpoint,
      token: options.token,
      fetch: options.fetch,
      logger: options.logger,
      maxRetries: options.maxRetries,
      backoffMs: options.retryBackoffMs,
      budgetMs: options.retryBudgetMs,
    });
    this.api = new ModelScopeApi(this.http, this.name, options.token !== null);
  }

  quota(): RegistryQuota | null {
    return this.http.quota();
  }

  async searchModels(params: SearchParams, signal: AbortSignal): Promise<SearchPage> {
    const { query, position } = searchQuery(params, this.name);
    const page = await this.api.listModels(query, this.http.call(signal));
    const items = page.models.flatMap((api): ModelSummary[] => {
      try {
        return [toSummary(api, parseModelId(api.id), this.mapping)];
      } catch {
        this.options.logger.debug({ registry: this.name, id: api.id }, "skipping a search result with an odd id");
        return [];
      }
    });
    return {
      items: params.sort === "NAME" ? sortSummaries(items, "NAME") : items,
      nextCursor: nextCursor(position, page.models.length, page.total_count ?? null),
    };
  }

  async getModelInfos(refs: readonly ModelRef[], signal: AbortSignal): Promise<Array<ModelInfo | Error>> {
    const call = this.http.call(signal);
    return lookUpEach(refs, INFO_CONCURRENCY, async (ref) => {
      const id = this.validate(ref);
      const [api, snapshot] = await Promise.all([
        this.api.getModel(id, call, { ref: formatModelRef(ref) }),
        this.snapshot(ref, id, call),
      ]);
      return toInfo(api, id, snapshot.files, snapshot.revision, this.mapping);
    });
  }

  /** The files at the commit the revision resolves to (the branch or tag itself when ModelScope names no commit). */
  async listModelFiles(ref: ModelRef, signal: AbortSignal): Promise<ModelFileList> {
    const snapshot = await this.snapshot(ref, this.validate(ref), this.http.call(signal));
    return { revision: snapshot.revision.resolved, files: snapshot.files };
  }

  /**
   * ModelScope's file download endpoint pinned to the revision (the SDK's URL; ModelScope answers
   * it with the bytes or a redirect to its object storage, which gets no credentials), with the
   * size and sha256 of the file list. A file the list does not hold is FILE_NOT_FOUND at once.
   */
  async resolveDownload(ref: ModelRef, file: ModelFile, signal: AbortSignal): Promise<FileDownload> {
    const id = this.validate(ref);
    const call = this.http.call(signal);
    const revision = ref.revision ?? (await this.snapshot(ref, id, call)).revision.resolved;
    const listed = (await this.filesAt(id, revision, call, formatModelRef(ref))).find((f) => f.path === file.path);
    if (!listed) throw new FileNotFound(formatModelRef(ref), file.path, { registry: this.name });
    return {
      url: this.options.endpoint + fileDownloadPath(id, revision, listed.path),
      headers: this.http.credentials(),
      sizeBytes: listed.sizeBytes ?? file.sizeBytes,
      sha256: listed.sha256 ?? file.sha256,
    };
  }

  /** Resolves the reference's revision (checked against the model's branches and tags) and lists its files there. */
  private async snapshot(ref: ModelRef, id: ModelScopeId, call: ModelScopeCall): Promise<Snapshot> {
    const text = formatModelRef(ref);
    const chosen = chooseRevision(await this.api.listRevisions(id, call, { ref: text }), ref.revision, text, this.name);
    const about = { ref: text, revision: chosen.name, accepted: chosen.available };
    const commit = chosen.commit ?? (await this.api.latestCommit(id, chosen.name, call, about));
    const resolved = isCommitId(commit) ? commit : chosen.name;
    const files = await this.filesAt(id, resolved, call, text, chosen.available);
    return { revision: { ...chosen, resolved }, files };
  }

  private async filesAt(
    id: ModelScopeId,
    revision: string,
    call: ModelScopeCall,
    ref: string,
    accepted?: readonly string[],
  ): Promise<ModelFile[]> {
    const key = `${id.owner}/${id.name}@${revision}`;
    const cached = isCommitId(revision) ? this.filesByCommit.get(key) : undefined;
    if (cached) return cached;
    const files = filesFrom(await this.api.listFiles(id, revision, call, { ref, revision, accepted }));
    if (isCommitId(revision)) this.filesByCommit.set(key, files);
    return files;
  }

  private validate(ref: ModelRef): ModelScopeId {
    const id = parseModelId(ref.id);
    if (ref.revision !== null) validateRevision(ref.revision);
    return id;
  }
}
