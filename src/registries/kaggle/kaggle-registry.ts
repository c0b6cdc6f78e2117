import { ModelNotFound, RevisionNotFound } from "../../domain/errors.js";
import type { ModelFile, ModelInfo } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import type { FileDownload } from "../../download/download-file.js";
import type { Logger } from "../../logger.js";
import { lookUpEach } from "../common/batch-lookup.js";
import type { ModelFileList, ModelManager, RegistryQuota, SearchPage, SearchParams } from "../types.js";
import { type FailureContext, KaggleAnswerError, toGatewayError } from "./kaggle-errors.js";
import { handleId, type KaggleHandle, parseHandle } from "./kaggle-handle.js";
import { type KaggleCall, type KaggleCredentials, KaggleHttp } from "./kaggle-http.js";
import {
  checkDownload,
  downloadFields,
  getModel,
  getModelInstance,
  listVersionFiles,
  listVersionNumbers,
  type ModelApi,
} from "./model-api.js";
import { toInfo } from "./model-mapping.js";
import { searchInstances } from "./search-pages.js";

export interface KaggleRegistryOptions {
  /** The instance's name: the prefix of its references. */
  name: string;
  endpoint: string;
  credentials: KaggleCredentials;
  /** How to configure credentials for this instance, for error messages. */
  credentialsHint: string;
  cacheTtlSeconds: number;
  maxRetries: number;
  retryBackoffMs: number;
  retryBudgetMs: number;
  fetch: typeof fetch;
  logger: Logger;
}

/** How many models of one batch are described at once: a page of results should not burst the API. */
const INFO_CONCURRENCY = 4;

/**
 * Kaggle Models (where TensorFlow Hub's models now live), through the API the Kaggle SDK calls.
 * A model here is one model instance, `<owner>/<model>/<framework>/<variation>`, as kagglehub
 * names it; its revisions are the instance's version numbers.
 */
export class KaggleRegistry implements ModelManager {
  readonly name: string;
  readonly kind = "kaggle";
  readonly location: string;
  readonly infoCacheTtlMs: number;
  private readonly api: ModelApi;

  constructor(private readonly options: KaggleRegistryOptions) {
    this.name = options.name;
    this.location = options.endpoint;
    this.infoCacheTtlMs = options.cacheTtlSeconds * 1000;
    const http = new KaggleHttp({
      registry: this.name,
      endpoint: options.endpoint,
      credentials: options.credentials,
      fetch: options.fetch,
      logger: options.logger,
      maxRetries: options.maxRetries,
      backoffMs: options.retryBackoffMs,
      budgetMs: options.retryBudgetMs,
    });
    this.api = { http, registry: this.name };
  }

  quota(): RegistryQuota | null {
    return this.api.http.quota();
  }

  searchModels(params: SearchParams, signal: AbortSignal): Promise<SearchPage> {
    return searchInstances(this.api, params, this.api.http.call(signal)).catch(this.failure({}));
  }

  async getModelInfos(refs: readonly ModelRef[], signal: AbortSignal): Promise<Array<ModelInfo | Error>> {
    const call = this.api.http.call(signal);
    return lookUpEach(refs, INFO_CONCURRENCY, (ref) => this.describe(ref, call));
  }

  /**
   * The files of the version asked for, or of the instance's current version. A pull starts here,
   * so Kaggle is also asked for the first file's download (its redirect not followed): a model
   * these credentials cannot download (private, or its licence not yet accepted) fails before any
   * download, with Kaggle's reason.
   */
  async listModelFiles(ref: ModelRef, signal: AbortSignal): Promise<ModelFileList> {
    const handle = parseHandle(ref);
    const call = this.api.http.call(signal);
    const version = handle.version ?? (await this.currentVersion(handle, ref, call));
    const files = await this.versionFiles(handle, version, ref, call);
    const [first] = files;
    if (first) await checkDownload(this.api, handle, version, first.path, call).catch(this.failure({ ref }));
    return { revision: String(version), files };
  }

  /**
   * Kaggle's download of one file (DownloadModelInstanceVersion with its path), a POST of the SDK's
   * request with the credentials, which Kaggle answers with a redirect to its storage; the pull
   * engine follows it without the credentials. Kaggle publishes sizes but no sha256.
   */
  async resolveDownload(ref: ModelRef, file: ModelFile, signal: AbortSignal): Promise<FileDownload> {
    const handle = parseHandle(ref);
    const version = handle.version ?? (await this.currentVersion(handle, ref, this.api.http.call(signal)));
    return {
      url: this.api.http.rpcUrl("DownloadModelInstanceVersion"),
      headers: this.api.http.headers(),
      request: { method: "POST", body: JSON.stringify(downloadFields(handle, version, file.path)) },
      sizeBytes: file.sizeBytes,
      sha256: null,
    };
  }

  private async describe(ref: ModelRef, call: KaggleCall): Promise<ModelInfo> {
    const handle = parseHandle(ref);
    const [model, instance, versions] = await Promise.all([
      getModel(this.api, handle.owner, handle.model, call).catch(this.failure({ ref })),
      getModelInstance(this.api, handle, call).catch(this.failure({ ref })),
      listVersionNumbers(this.api, handle, call).catch(this.failure({ ref })),
    ]);
    const current = instance.versionNumber ?? versions.at(-1);
    const version = handle.version ?? current;
    if (version === undefined) throw new RevisionNotFound(formatModelRef(ref), "latest", { registry: this.name });
    if (handle.version !== null && versions.length > 0 && !versions.includes(handle.version)) {
      throw this.revisionNotFound(ref, handle.version, versions);
    }
    const files = await this.versionFiles(handle, version, ref, call);
    return toInfo(handle, model, instance, { version, versions, files }, this.name);
  }

  private async currentVersion(handle: KaggleHandle, ref: ModelRef, call: KaggleCall): Promise<number> {
    const instance = await getModelInstance(this.api, handle, call).catch(this.failure({ ref }));
    if (!instance.versionNumber) throw new RevisionNotFound(formatModelRef(ref), "latest", { registry: this.name });
    return instance.versionNumber;
  }

  /** A version's files; when Kaggle has none, tells a missing version from a missing instance. */
  private async versionFiles(handle: KaggleHandle, version: number, ref: ModelRef, call: KaggleCall) {
    try {
      return await listVersionFiles(this.api, handle, version, call);
    } catch (error) {
      if (!(error instanceof KaggleAnswerError) || error.status !== 404) return this.failure({ ref })(error);
    }
    const versions = await listVersionNumbers(this.api, handle, call).catch(this.failure({ ref }));
    if (versions.length === 0 || versions.includes(version)) {
      throw new ModelNotFound(formatModelRef(ref), { registry: this.name });
    }
    throw this.revisionNotFound(ref, version, versions);
  }

  private revisionNotFound(ref: ModelRef, version: number, versions: number[]): RevisionNotFound {
    return new RevisionNotFound(
      formatModelRef(ref),
      String(version),
      { registry: this.name },
      `its versions are ${versions.join(", ")}`,
    );
  }

  /** A rejection handler that turns Kaggle's answers into domain errors about `ref`. */
  private failure(about: { ref?: ModelRef }): (error: unknown) => never {
    const { ref } = about;
    const context: FailureContext = {
      registry: this.name,
      hasCredentials: this.options.credentials !== null,
      credentialsHint: this.options.credentialsHint,
      ...(ref && {
        ref: formatModelRef(ref),
        pageUrl: this.pageUrl(ref),
        notFound: () => new ModelNotFound(formatModelRef(ref), { registry: this.name }),
      }),
    };
    return (error) => {
      throw toGatewayError(error, context);
    };
  }

  private pageUrl(ref: ModelRef): string {
    try {
      return `https://www.kaggle.com/models/${handleId(parseHandle(ref))}`;
    } catch {
      return "https://www.kaggle.com/models";
    }
  }
}
