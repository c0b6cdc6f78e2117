import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import {
  bytesOf,
  type FakeKaggleInstance,
  type FakeKaggleModel,
  instanceJson,
  LIST_MODELS_ORDERS,
  modelJson,
  shortFramework,
  sortModels,
  versionsJson,
} from "./fake-kaggle-models.js";
import { FakeKaggleStorage } from "./fake-kaggle-storage.js";
import { type LocalServer, startLocalServer } from "./local-server.js";

export type { FakeKaggleFile, FakeKaggleInstance, FakeKaggleModel } from "./fake-kaggle-models.js";

/** One request to the API: the RPC it named and its JSON body, with every header. */
export interface KaggleRequest {
  method: string;
  path: string;
  /** `ListModels`, `GetModelInstance`… for `/v1/models.ModelApiService/<rpc>`. */
  rpc: string | null;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

/** A scripted answer, served instead of the real one. */
export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Close the connection without answering (a network failure). */
  drop?: boolean;
}

export interface FakeKaggleUser {
  username: string;
  /** The legacy API key, sent with the username as HTTP basic credentials. */
  key: string;
  /** A KAGGLE_API_TOKEN, sent as a bearer token. */
  token: string;
}

export interface FakeKaggleOptions {
  models: FakeKaggleModel[];
  users?: FakeKaggleUser[];
  /** Answer ListModels without the models' instances (which GetModel still has). */
  listWithoutInstances?: boolean;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
}

const RPC_PATH = /^\/v1\/models\.ModelApiService\/([A-Za-z]+)$/;
const MAX_PAGE_SIZE = 50;
const error = (code: number, message: string): Reply => ({ status: code, json: { code, message } });

/**
 * A local Kaggle API as the Kaggle SDK calls it: POSTs of JSON to
 * `/v1/models.ModelApiService/<Method>` (ListModels, GetModel, GetModelInstance,
 * ListModelInstanceVersions, ListModelInstanceVersionFiles, DownloadModelInstanceVersion), with
 * bearer or basic credentials, page tokens, `{"code", "message"}` errors, private models, models
 * whose licence must be accepted, and downloads redirected to a separate storage server.
 */
export class FakeKaggle {
  readonly requests: KaggleRequest[] = [];
  private readonly scripted: Array<{ match: (request: KaggleRequest) => boolean; answers: FakeAnswer[] }> = [];
  private server!: LocalServer;

  private constructor(
    private readonly options: FakeKaggleOptions,
    readonly storage: FakeKaggleStorage,
  ) {}

  static async start(options: FakeKaggleOptions): Promise<FakeKaggle> {
    const kaggle = new FakeKaggle(options, await FakeKaggleStorage.start());
    kaggle.server = await startLocalServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => kaggle.handle(req.method ?? "GET", req.url ?? "/", req.headers, Buffer.concat(chunks), res));
    });
    return kaggle;
  }

  /** The API endpoint, as KAGGLE_API_ENDPOINT. */
  get url(): string {
    return this.server.url;
  }

  /** The API requests that called one RPC. */
  calls(rpc: string): KaggleRequest[] {
    return this.requests.filter((request) => request.rpc === rpc);
  }

  /** The next requests that `match` get these answers, one each, before the API answers normally again. */
  failNext(match: (request: KaggleRequest) => boolean, ...answers: FakeAnswer[]): void {
    this.scripted.push({ match, answers });
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.storage.close();
  }

  private handle(method: string, rawUrl: string, headers: IncomingHttpHeaders, raw: Buffer, res: ServerResponse): void {
    const path = new URL(rawUrl, "http://kaggle").pathname;
    let body: Record<string, unknown> = {};
    let malformed = false;
    try {
      body = raw.length > 0 ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : {};
    } catch {
      malformed = true;
    }
    const request: KaggleRequest = { method, path, rpc: RPC_PATH.exec(path)?.[1] ?? null, body, headers };
    this.requests.push(request);
    const script = this.scripted.find((s) => s.answers.length > 0 && s.match(request));
    const scripted = script?.answers.shift();
    if (scripted?.drop) {
      res.socket?.destroy();
      return;
    }
    if (scripted) {
      res.writeHead(scripted.status, scripted.headers);
      res.end(scripted.body ?? "");
      return;
    }
    const reply = malformed ? error(400, "The request body is not JSON.") : this.route(request);
    const out = { ...reply.headers };
    if (reply.json !== undefined) out["content-type"] = "application/json; charset=utf-8";
    res.writeHead(reply.status, out);
    res.end(reply.json === undefined ? "" : JSON.stringify(reply.json));
  }

  private route(request: KaggleRequest): Reply {
    if (request.method !== "POST" || request.rpc === null) return error(404, "Not found");
    if (!String(request.headers["content-type"]).startsWith("application/json")) {
      return error(400, "Content-Type must be application/json");
    }
    const user = this.authenticate(request.headers.authorization);
    if (user === undefined) return error(401, "Unauthenticated");
    const { body } = request;
    switch (request.rpc) {
      case "ListModels":
        return this.listModels(body, user);
      case "GetModel":
        return this.withModel(body, user, (model, index) => ({ status: 200, json: modelJson(model, index, true) }));
      case "GetModelInstance":
        return this.withInstance(body, user, (model, instance, index) => ({
          status: 200,
          json: instanceJson(model, instance, index),
        }));
      case "ListModelInstanceVersions":
        return this.withInstance(body, user, (model, instance) =>
          this.paged(body, versionsJson(model, instance), (versions) => ({ versionList: { versions } })),
        );
      case "ListModelInstanceVersionFiles":
        return this.withVersion(body, user, (_model, _instance, files) =>
          this.paged(
            body,
            files.map((file) => ({
              name: file.name,
              size: bytesOf(file).length,
              creationDate: "2024-05-01T10:00:00Z",
            })),
            (page) => ({ files: page }),
          ),
        );
      case "DownloadModelInstanceVersion":
        return this.download(body, user);
      default:
        return error(404, `Unknown method ${request.rpc}`);
    }
  }

  /** The user the credentials name; null for none, undefined for credentials Kaggle refuses. */
  private authenticate(authorization: string | undefined): string | null | undefined {
    if (!authorization) return null;
    const users = this.options.users ?? [];
    const [scheme, value = ""] = authorization.split(" ");
    if (scheme === "Bearer") return users.find((user) => user.token === value)?.username;
    if (scheme === "Basic") {
      const [username, key] = Buffer.from(value, "base64").toString("utf8").split(":");
      return users.find((user) => user.username === username && user.key === key)?.username;
    }
    return undefined;
  }

  private visible(model: FakeKaggleModel, user: string | null): boolean {
    return !model.isPrivate || (user !== null && (model.readers ?? []).includes(user));
  }

  private listModels(body: Record<string, unknown>, user: string | null): Reply {
    const sortBy = (body.sortBy as string | undefined) ?? "LIST_MODELS_ORDER_BY_UNSPECIFIED";
    if (!LIST_MODELS_ORDERS.includes(sortBy)) return error(400, `Invalid value for sortBy: ${sortBy}`);
    const search = String(body.search ?? "").toLowerCase();
    const matching = sortModels(this.options.models, sortBy).filter(
      (model) =>
        this.visible(model, user) &&
        (!body.owner || model.owner === body.owner) &&
        (!search || `${model.slug} ${model.title ?? ""} ${model.subtitle ?? ""}`.toLowerCase().includes(search)),
    );
    const index = (model: FakeKaggleModel) => this.options.models.indexOf(model);
    return this.paged(
      body,
      matching.map((model) => modelJson(model, index(model), !this.options.listWithoutInstances)),
      (models) => ({ models, totalResults: matching.length }),
    );
  }

  /** One page of `items` from the body's pageToken and pageSize, and the token of the next. */
  private paged<T>(body: Record<string, unknown>, items: T[], wrap: (page: T[]) => object): Reply {
    const token = body.pageToken as string | undefined;
    const offset = token ? Number(/^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString())?.[1]) : 0;
    if (!Number.isInteger(offset)) return error(400, "Invalid page token");
    const size = Math.min(Number(body.pageSize ?? 20) || 20, MAX_PAGE_SIZE);
    const end = offset + size;
    const nextPageToken = end < items.length ? Buffer.from(`offset:${end}`).toString("base64url") : "";
    return { status: 200, json: { ...wrap(items.slice(offset, end)), nextPageToken } };
  }

  private withModel(
    body: Record<string, unknown>,
    user: string | null,
    then: (model: FakeKaggleModel, index: number) => Reply,
  ): Reply {
    const index = this.options.models.findIndex((m) => m.owner === body.ownerSlug && m.slug === body.modelSlug);
    const model = this.options.models[index];
    if (!model) return error(404, "Model not found");
    if (!this.visible(model, user)) return error(403, "Permission 'models.get' was denied");
    return then(model, index);
  }

  private withInstance(
    body: Record<string, unknown>,
    user: string | null,
    then: (model: FakeKaggleModel, instance: FakeKaggleInstance, index: number) => Reply,
  ): Reply {
    const framework = shortFramework(String(body.framework ?? ""));
    if (!framework) return error(400, `Invalid value for framework: ${String(body.framework)}`);
    return this.withModel(body, user, (model, modelIndex) => {
      const index = model.instances.findIndex((i) => i.framework === framework && i.slug === body.instanceSlug);
      const instance = model.instances[index];
      return instance ? then(model, instance, modelIndex * 10 + index) : error(404, "Model instance not found");
    });
  }

  private withVersion(
    body: Record<string, unknown>,
    user: string | null,
    then: (
      model: FakeKaggleModel,
      instance: FakeKaggleInstance,
      files: FakeKaggleInstance["versions"][number],
      version: number,
    ) => Reply,
  ): Reply {
    return this.withInstance(body, user, (model, instance) => {
      const version = body.versionNumber === undefined ? instance.versions.length : Number(body.versionNumber);
      const files = instance.versions[version - 1];
      return files ? then(model, instance, files, version) : error(404, "Model instance version not found");
    });
  }

  private download(body: Record<string, unknown>, user: string | null): Reply {
    return this.withVersion(body, user, (model, instance, files, version) => {
      if (model.consented && (user === null || !model.consented.includes(user))) {
        return error(403, "You must accept this model's license agreement (consent) on Kaggle before downloading it.");
      }
      if (typeof body.path !== "string") return error(400, "This fake serves single files: set path.");
      const file = files.find((f) => f.name === body.path);
      if (!file) return error(404, "File not found");
      const key = `${model.owner}/${model.slug}/${instance.framework}/${instance.slug}/${version}/${file.name}`;
      return { status: 302, headers: { location: this.storage.signedUrl(key, bytesOf(file)) } };
    });
  }
}

export function rateLimitedAnswer(retryAfterSeconds: number): FakeAnswer {
  return {
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds), "content-type": "application/json" },
    body: JSON.stringify({ code: 429, message: "Too many requests" }),
  };
}

export const unavailableAnswer: FakeAnswer = {
  status: 503,
  headers: { "content-type": "text/html" },
  body: "<html><body>Service Unavailable</body></html>",
};

export const droppedConnection: FakeAnswer = { status: 0, drop: true };
