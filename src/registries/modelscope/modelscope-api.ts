import {
  ApiCommitsSchema,
  type ApiModel,
  ApiModelPageSchema,
  ApiModelSchema,
  type ApiRepoFile,
  ApiRepoFilesSchema,
  ApiRevisionsSchema,
  parseApi,
} from "./api-types.js";
import { type ModelScopeId, modelPath } from "./model-ids.js";
import { type Subject, toGatewayError } from "./modelscope-errors.js";
import type { ModelScopeCall, ModelScopeHttp } from "./modelscope-http.js";
import type { RevisionList } from "./revisions.js";

/** Which model (and revision) a call is about, for the errors it may answer. */
export interface About {
  /** The reference as the client wrote it. */
  ref: string;
  revision?: string | null;
  /** The model's revisions, for a RevisionNotFound message. */
  accepted?: readonly string[];
}

/**
 * ModelScope's endpoints the gateway reads, one method each, with the paths and query parameters
 * its Python SDK uses: each returns the envelope's data checked against its schema, and turns
 * ModelScope's failures into domain errors about the subject it asked for.
 */
export class ModelScopeApi {
  constructor(
    private readonly http: ModelScopeHttp,
    private readonly registry: string,
    private readonly hasToken: boolean,
  ) {}

  /** `GET /openapi/v1/models`: one page of a search (the SDK's `list_models`). */
  async listModels(query: URLSearchParams, call: ModelScopeCall) {
    const data = await this.get(`/openapi/v1/models?${query}`, call, "search");
    return parseApi(ApiModelPageSchema, data, "model list", this.registry);
  }

  /** `GET /api/v1/models/{owner}/{name}`: the model's page data (the SDK's `get_model`). */
  async getModel(id: ModelScopeId, call: ModelScopeCall, about: About): Promise<ApiModel> {
    const data = await this.get(`/api/v1/models/${modelPath(id)}`, call, "model", about);
    return parseApi(ApiModelSchema, data, `info of ${id.owner}/${id.name}`, this.registry);
  }

  /** `GET /api/v1/models/{owner}/{name}/revisions`: its branches and tags. */
  async listRevisions(id: ModelScopeId, call: ModelScopeCall, about: About): Promise<RevisionList> {
    const data = await this.get(`/api/v1/models/${modelPath(id)}/revisions`, call, "model", about);
    const { RevisionMap } = parseApi(ApiRevisionsSchema, data, `revisions of ${id.owner}/${id.name}`, this.registry);
    return { branches: RevisionMap.Branches ?? [], tags: RevisionMap.Tags ?? [] };
  }

  /** `GET /api/v1/models/{owner}/{name}/commits?Ref=…`: the commit a branch or tag points at, if any. */
  async latestCommit(id: ModelScopeId, revision: string, call: ModelScopeCall, about: About): Promise<string | null> {
    const query = new URLSearchParams({ Ref: revision, PageNumber: "1", PageSize: "1" });
    const data = await this.get(`/api/v1/models/${modelPath(id)}/commits?${query}`, call, "revision", about);
    const commits = parseApi(ApiCommitsSchema, data, `commits of ${id.owner}/${id.name}`, this.registry);
    return commits.Commit?.[0]?.Id.toLowerCase() ?? null;
  }

  /** `GET /api/v1/models/{owner}/{name}/repo/files?Revision=…&Recursive=True`: every file and folder. */
  async listFiles(id: ModelScopeId, revision: string, call: ModelScopeCall, about: About): Promise<ApiRepoFile[]> {
    const query = new URLSearchParams({ Revision: revision, Recursive: "True" });
    const data = await this.get(`/api/v1/models/${modelPath(id)}/repo/files?${query}`, call, "revision", about);
    return parseApi(ApiRepoFilesSchema, data, `file list of ${id.owner}/${id.name}`, this.registry).Files ?? [];
  }

  private async get(path: string, call: ModelScopeCall, subject: Subject, about?: About): Promise<unknown> {
    try {
      return await this.http.getData(path, call);
    } catch (error) {
      throw toGatewayError(error, {
        registry: this.registry,
        subject,
        hasToken: this.hasToken,
        ...(about && { ref: about.ref, revision: about.revision, accepted: about.accepted }),
      });
    }
  }
}
