import pLimit from "p-limit";
import {
  ArtifactsUnreachable,
  FileNotFound,
  GatewayError,
  ModelNotReady,
  RevisionNotFound,
} from "../../domain/errors.js";
import type { ModelFile, ModelInfo, ModelSummary } from "../../domain/model.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import type { FileDownload } from "../../download/download-file.js";
import type { Logger } from "../../logger.js";
import { lookUpEach } from "../common/batch-lookup.js";
import type { RegistryCredentials } from "../registry-kind.js";
import type { ModelFileList, ModelManager, SearchPage, SearchParams } from "../types.js";
import {
  ApiGetRegisteredModelSchema,
  type ApiModelVersion,
  type ApiRegisteredModel,
  ApiRegisteredModelPageSchema,
  parseApi,
} from "./api-types.js";
import { type LocationContext, proxyUrl, underRoot } from "./artifact-location.js";
import { type FailureContext, toGatewayError } from "./mlflow-errors.js";
import { type MlflowCall, MlflowHttp } from "./mlflow-http.js";
import {
  isPrompt,
  latestOf,
  type MappingContext,
  notReadyReason,
  registrationOf,
  toInfo,
  toSummary,
} from "./model-mapping.js";
import { acceptedRevisions, listVersions, type ModelVersions, pickVersion } from "./model-versions.js";
import { passesLocalFilters, searchQuery } from "./search-filter.js";
import { type ReadContent, VersionContents } from "./version-content.js";

export interface MlflowRegistryOptions {
  /** The instance's name: the prefix of its references. */
  name: string;
  /** The tracking server's base URL (MLFLOW_TRACKING_URI). */
  endpoint: string;
  credentials: RegistryCredentials;
  /** Where the credentials are configured, for AUTHENTICATION_REQUIRED messages. */
  credentialHint: string;
  cacheTtlSeconds: number;
  maxRetries: number;
  retryBackoffMs: number;
  retryBudgetMs: number;
  fetch: typeof fetch;
  logger: Logger;
}

/** How many models of one batch or search page are read at once. */
const CONCURRENCY = 8;

/** A version of a registered model, with the model and its other versions. */
interface ResolvedVersion {
  model: ApiRegisteredModel;
  known: ModelVersions;
  version: ApiModelVersion;
}

/**
 * An MLflow Model Registry, through the tracking server's REST API 2.0 and its artifact proxy.
 * A model is a registered model; a reference's revision is a version number or an alias (the
 * highest version without one); files are the version's artifacts, read through the proxy.
 */
export class MlflowRegistry implements ModelManager {
  readonly name: string;
  readonly kind = "mlflow";
  readonly location: string;
  readonly infoCacheTtlMs: number;
  private readonly http: MlflowHttp;
  private readonly contents: VersionContents;
  private readonly mapping: MappingContext;

  constructor(private readonly options: MlflowRegistryOptions) {
    this.name = options.name;
    this.location = options.endpoint;
    this.infoCacheTtlMs = options.cacheTtlSeconds * 1000;
    this.mapping = { registry: this.name, endpoint: options.endpoint };
    this.contents = new VersionContents(options.endpoint);
    this.http = new MlflowHttp({
      registry: this.name,
      endpoint: options.endpoint,
      credentials: options.credentials,
      fetch: options.fetch,
      logger: options.logger,
      maxRetries: options.maxRetries,
      backoffMs: options.retryBackoffMs,
      budgetMs: options.retryBudgetMs,
    });
  }

  /** One page of `registered-models/search`; each result's format comes from its latest version's MLmodel. */
  async searchModels(params: SearchParams, signal: AbortSignal): Promise<SearchPage> {
    const call = this.http.call(signal);
    const json = await this.mapped({ subject: "search" }, () =>
      this.http.getJson("mlflow/registered-models/search", searchQuery(params), call),
    );
    const page = parseApi(ApiRegisteredModelPageSchema, json, "search answer", this.name);
    const limit = pLimit(CONCURRENCY);
    const models = (page.registered_models ?? []).filter((model) => !isPrompt(model));
    const items = await Promise.all(models.map((model) => limit(() => this.summaryOf(model, call))));
    return {
      items: items.filter((item) => passesLocalFilters(item, params)),
      nextCursor: page.next_page_token || null,
    };
  }

  async getModelInfos(refs: readonly ModelRef[], signal: AbortSignal): Promise<Array<ModelInfo | Error>> {
    const call = this.http.call(signal);
    return lookUpEach(refs, CONCURRENCY, (ref) => this.infoOf(ref, call));
  }

  /** The files of a READY version; any other is MODEL_NOT_READY, and a store out of the proxy's reach ARTIFACTS_UNREACHABLE. */
  async listModelFiles(ref: ModelRef, signal: AbortSignal): Promise<ModelFileList> {
    const call = this.http.call(signal);
    const { version } = await this.resolve(ref, call);
    const content = await this.readyContent(ref, version, call);
    return { revision: version.version, files: content.files };
  }

  /** The file's URL on the artifact proxy, with the server's credentials; MLflow publishes no sha256. */
  async resolveDownload(ref: ModelRef, file: ModelFile, signal: AbortSignal): Promise<FileDownload> {
    const pinned = ref.revision !== null && /^\d+$/.test(ref.revision) ? ref.revision : null;
    let content = pinned === null ? undefined : this.contents.known(ref.id, pinned);
    if (!content) {
      const call = this.http.call(signal);
      content = await this.readyContent(ref, (await this.resolve(ref, call)).version, call);
    }
    const listed = content.files.find((candidate) => candidate.path === file.path);
    if (!listed) throw new FileNotFound(formatModelRef(ref), file.path, { registry: this.name });
    return {
      url: proxyUrl(this.options.endpoint, underRoot(content.root, file.path)),
      headers: this.http.downloadHeaders(),
      sizeBytes: listed.sizeBytes,
      sha256: null,
    };
  }

  private async summaryOf(model: ApiRegisteredModel, call: MlflowCall): Promise<ModelSummary> {
    const latest = latestOf(model.latest_versions);
    let content: ReadContent | null = null;
    if (latest && registrationOf(latest).status === "READY") {
      const ref = { registry: this.name, id: model.name, revision: null };
      // No retries here: a result whose artifacts fail must not hold the whole page up.
      const once = { signal: call.signal, retryUntil: 0 };
      content = await this.content(ref, latest, once).catch((error: unknown) => {
        // A result whose artifacts cannot be read is still a result; only its format stays unknown.
        if (error instanceof GatewayError && !(error.code === "RATE_LIMITED")) return null;
        throw error;
      });
    }
    return toSummary(model, latest, content?.mlmodel?.format ?? "OTHER", this.mapping);
  }

  private async infoOf(ref: ModelRef, call: MlflowCall): Promise<ModelInfo> {
    const { model, known, version } = await this.resolve(ref, call);
    let content: ReadContent | null = null;
    let brokenReason: string | null = null;
    if (registrationOf(version).status === "READY") {
      try {
        content = await this.content(ref, version, call);
      } catch (error) {
        if (!(error instanceof ArtifactsUnreachable)) throw error;
        brokenReason = error.message;
      }
    }
    return toInfo(model, version, known, content, this.mapping, brokenReason);
  }

  /** The registered model, its versions, and the one the reference's revision names. */
  private async resolve(ref: ModelRef, call: MlflowCall): Promise<ResolvedVersion> {
    const json = await this.mapped({ ref, subject: "model" }, () =>
      this.http.getJson("mlflow/registered-models/get", { name: ref.id }, call),
    );
    const model = parseApi(ApiGetRegisteredModelSchema, json, `model ${ref.id}`, this.name).registered_model;
    const known = await this.mapped({ ref, subject: "model" }, () => listVersions(this.http, this.name, model, call));
    const version = pickVersion(known, ref.revision);
    if (!version) {
      const text = formatModelRef(ref);
      throw new RevisionNotFound(text, ref.revision ?? "latest", { registry: this.name }, acceptedRevisions(known));
    }
    return { model, known, version };
  }

  private async readyContent(ref: ModelRef, version: ApiModelVersion, call: MlflowCall): Promise<ReadContent> {
    const why = notReadyReason(version);
    if (why !== null) throw new ModelNotReady(formatModelRef(ref), why, { registry: this.name });
    return this.content(ref, version, call);
  }

  private content(ref: ModelRef, version: ApiModelVersion, call: MlflowCall): Promise<ReadContent> {
    const context: LocationContext = {
      registry: this.name,
      endpoint: this.options.endpoint,
      http: this.http,
      call,
      ref: formatModelRef(ref),
      mapped: (subject, run) => this.mapped({ ref, subject, revision: version.version }, run),
    };
    return this.mapped({ ref, subject: "artifact", path: "MLmodel" }, () => this.contents.read(version, context));
  }

  /** Runs a call and turns MLflow's refusals into domain errors about what it asked for. */
  private async mapped<T>(
    about: { ref?: ModelRef; subject: FailureContext["subject"]; revision?: string; path?: string },
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const { token, username, password } = this.options.credentials;
      throw toGatewayError(error, {
        registry: this.name,
        subject: about.subject,
        ref: about.ref && formatModelRef(about.ref),
        revision: about.revision ?? about.ref?.revision,
        path: about.path,
        credentialHint: this.options.credentialHint,
        hasCredentials: token !== null || (username !== null && password !== null),
      });
    }
  }
}
