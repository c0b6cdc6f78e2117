import { AccessDenied, ModelNotFound, RevisionNotFound } from "../../domain/errors.js";
import type { ModelFile, ModelInfo, ModelSummary } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import type { FileDownload } from "../../download/download-file.js";
import type { Logger } from "../../logger.js";
import { lookUpEach } from "../common/batch-lookup.js";
import type { RegistryCredentials } from "../registry-kind.js";
import type { ModelFileList, ModelManager, RegistryQuota, SearchPage, SearchParams } from "../types.js";
import { MANIFEST_ACCEPT } from "./api-types.js";
import { ManifestReader, pullScope } from "./manifests.js";
import { ModelReader } from "./model-reader.js";
import { type FailureContext, OciAnswerError, toGatewayError } from "./oci-errors.js";
import { repositoryName } from "./references.js";
import { type RegistryCall, RegistryHttp } from "./registry-http.js";
import { CatalogRepositories, defaultTag, ListedRepositories } from "./repository-listing.js";
import { searchRepositories } from "./search.js";
import { TokenAuth } from "./token-auth.js";

export interface OciRegistryOptions {
  /** The instance's name: the prefix of its references. */
  name: string;
  endpoint: string;
  credentials: RegistryCredentials;
  /** How to configure credentials, for AUTHENTICATION_REQUIRED's advice. */
  credentialsHint: string;
  /** Added to one-segment ids (`library` for Ollama). */
  namespace: string | null;
  /** Searched instead of the catalog when not empty. */
  repositories: readonly string[];
  /** Whether searches list `/v2/_catalog` (when no repositories are configured). */
  catalog: boolean;
  catalogPageSize: number;
  platform: string | null;
  cacheTtlSeconds: number;
  maxRetries: number;
  retryBackoffMs: number;
  retryBudgetMs: number;
  fetch: typeof fetch;
  logger: Logger;
}

/** How many models of one batch are described at once. */
const INFO_CONCURRENCY = 8;

/**
 * A registry speaking the OCI Distribution API (Ollama's, or any `registry:2`, Harbor, Zot, GitHub's):
 * a model is a repository at a tag or digest, its files the layers of the image manifest (named by
 * annotation or media type, see layer-files.ts), its revision the manifest's digest, its facts
 * those of the config blob (Ollama's or ModelPack's).
 */
export class OciRegistry implements ModelManager {
  readonly name: string;
  readonly kind = "oci";
  readonly location: string;
  readonly infoCacheTtlMs: number;
  private readonly http: RegistryHttp;
  private readonly reader: ModelReader;
  private readonly hasCredentials: boolean;

  constructor(private readonly options: OciRegistryOptions) {
    this.name = options.name;
    this.location = options.endpoint;
    this.infoCacheTtlMs = options.cacheTtlSeconds * 1000;
    const auth = new TokenAuth({
      registry: this.name,
      endpoint: options.endpoint,
      credentials: options.credentials,
      fetch: options.fetch,
    });
    this.hasCredentials = auth.hasCredentials;
    this.http = new RegistryHttp({
      registry: this.name,
      endpoint: options.endpoint,
      auth,
      fetch: options.fetch,
      logger: options.logger,
      maxRetries: options.maxRetries,
      backoffMs: options.retryBackoffMs,
      budgetMs: options.retryBudgetMs,
    });
    const manifests = new ManifestReader(this.http, this.name, options.platform);
    this.reader = new ModelReader(this.name, this.http, manifests, options.namespace, (ref) => this.failure({ ref }));
  }

  quota(): RegistryQuota | null {
    return this.http.quota();
  }

  async searchModels(params: SearchParams, signal: AbortSignal): Promise<SearchPage> {
    const { repositories, namespace } = this.options;
    const listed = repositories.length > 0 || !this.options.catalog;
    const names = repositories.map((id) => repositoryName(id, namespace));
    const ordered = params.sort === "NAME" ? [...names].sort((a, b) => nameOf(a).localeCompare(nameOf(b))) : names;
    const source = listed
      ? new ListedRepositories(ordered)
      : new CatalogRepositories(this.http, this.name, this.options.catalogPageSize);
    const describe = (repository: string, call: RegistryCall) => this.describe(repository, call);
    return searchRepositories({ source, listed, describe }, params, this.http.call(signal)).catch(this.failure({}));
  }

  async getModelInfos(refs: readonly ModelRef[], signal: AbortSignal): Promise<Array<ModelInfo | Error>> {
    const call = this.http.call(signal);
    return lookUpEach(refs, INFO_CONCURRENCY, (ref) => this.reader.info(ref, call));
  }

  /** `ollama:llama3.2` is `ollama:library/llama3.2`: one cache folder and one history either way. */
  async canonicalRef(ref: ModelRef): Promise<ModelRef> {
    return { ...ref, id: repositoryName(ref.id, this.options.namespace) };
  }

  async listModelFiles(ref: ModelRef, signal: AbortSignal): Promise<ModelFileList> {
    const { resolved, files } = await this.reader.resolve(ref, this.http.call(signal));
    return {
      revision: resolved.digest,
      files: files.map(({ path, sizeBytes, sha256 }) => ({ path, sizeBytes, sha256 })),
    };
  }

  /**
   * The blob's URL on the registry with the registry's own Authorization (a bearer token for this
   * repository's pull scope; never the token service's credentials). The download engine sends it
   * to the registry's origin only, so a redirect to blob storage or a CDN goes without it.
   */
  async resolveDownload(ref: ModelRef, file: ModelFile, signal: AbortSignal): Promise<FileDownload> {
    const call = this.http.call(signal);
    const { resolved, files } = await this.reader.resolve(ref, call);
    const found = files.find((candidate) => candidate.path === file.path);
    if (!found)
      throw toGatewayError(new OciAnswerError(404, ["BLOB_UNKNOWN"], null, "registry"), this.context(ref, file.path));
    const path =
      found.source === "manifest"
        ? `/v2/${resolved.repository}/manifests/${resolved.fetchedBy}`
        : `/v2/${resolved.repository}/blobs/${found.digest}`;
    const authorization = await this.http
      .authorization(
        { path: `/v2/${resolved.repository}/manifests/${resolved.digest}`, accept: MANIFEST_ACCEPT },
        pullScope(resolved.repository),
        call,
      )
      .catch(this.failure({ ref }));
    const headers: Record<string, string> = {};
    if (authorization) headers.authorization = authorization;
    if (found.source === "manifest") headers.accept = MANIFEST_ACCEPT;
    return { url: this.options.endpoint + path, headers, sizeBytes: found.sizeBytes, sha256: found.sha256 };
  }

  /** One search result: the repository at its `latest` tag, or its highest tag when it has no `latest`. */
  private async describe(repository: string, call: RegistryCall): Promise<ModelSummary | null> {
    const tags = await this.reader.tags(repository, call);
    const tag = tags === null ? "latest" : defaultTag(tags);
    if (tag === null) return null;
    const ref: ModelRef = { registry: this.name, id: repository, revision: tag === "latest" ? null : tag };
    try {
      const info = await this.reader.info(ref, call, tags);
      return { ...info, info, ...(ref.revision !== null && { refRevision: ref.revision }) };
    } catch (error) {
      // A repository the catalog lists but that cannot be read (no such tag after all, no access) is no result.
      if (error instanceof ModelNotFound || error instanceof RevisionNotFound || error instanceof AccessDenied)
        return null;
      throw error;
    }
  }

  private context(ref: ModelRef | undefined, path?: string): FailureContext {
    return {
      registry: this.name,
      hasCredentials: this.hasCredentials,
      credentialsHint: this.options.credentialsHint,
      path,
      ...(ref && { ref: formatModelRef(ref), revision: ref.revision }),
    };
  }

  /** A rejection handler that turns the registry's answers into domain errors about `ref`. */
  private failure(about: { ref?: ModelRef; path?: string }): (error: unknown) => never {
    const context = this.context(about.ref, about.path);
    return (error) => {
      throw toGatewayError(error, context);
    };
  }
}

function nameOf(repository: string): string {
  return repository.slice(repository.lastIndexOf("/") + 1);
}
