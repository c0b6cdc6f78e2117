import type { IncomingMessage, ServerResponse } from "node:http";
import {
  EXPERIMENT,
  type FakeMlflowModel,
  registeredModelJson,
  type VersionState,
  versionJson,
  versionState,
} from "./fake-mlflow-models.js";
import { compare, pageToken, parseFilter, readPageToken } from "./fake-mlflow-search.js";
import { type LocalServer, startLocalServer } from "./local-server.js";

export type { FakeMlflowModel, FakeMlflowVersion } from "./fake-mlflow-models.js";

export interface RecordedRequest {
  /** `mlflow`: the tracking server; `storage`: the host a proxy sends artifact downloads to. */
  server: "mlflow" | "storage";
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | null;
}

/** A scripted answer, served instead of the real one. */
export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FakeMlflowOptions {
  models: FakeMlflowModel[];
  /** The bearer token the server requires (mlflow server behind a token-checking proxy). */
  token?: string;
  /** The user the server's basic-auth app requires. */
  basic?: { username: string; password: string };
  /** Models the authenticated user has no permission on: 403 "Permission denied". */
  forbidden?: string[];
  /** A proxy in front of the server that redirects artifact downloads to a storage host. */
  redirectDownloads?: boolean;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Uint8Array;
}

const API = "/api/2.0/mlflow/";
const ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
const MAX_SEARCH_RESULTS = 1000;

/**
 * A local stand-in for an MLflow tracking server (mlflow server --serve-artifacts), answering
 * MLflow's REST API 2.0 as the protos define it: registered-models search (its filter grammar's
 * name LIKE/ILIKE and tag conditions, order_by, max_results, base64 page tokens), get, model
 * versions search and get, get-download-uri, runs/get, and the artifact proxy's folder listing
 * (names within the folder, file_size) and downloads. Errors are MLflow's JSON
 * ({"error_code", "message"}) with its status codes; the basic-auth app's 401 and 403 are plain
 * text. Every request is recorded.
 */
export class FakeMlflow {
  readonly requests: RecordedRequest[] = [];
  private readonly models = new Map<string, { model: FakeMlflowModel; versions: VersionState[] }>();
  private readonly artifacts = new Map<string, Uint8Array>();
  private readonly scripted: Array<{ match: (request: RecordedRequest) => boolean; answers: FakeAnswer[] }> = [];
  private readonly servers: LocalServer[] = [];
  private readonly origins = { mlflow: "", storage: "" };

  private constructor(private readonly options: FakeMlflowOptions) {
    for (const model of options.models) this.setModel(model);
  }

  static async start(options: FakeMlflowOptions): Promise<FakeMlflow> {
    const fake = new FakeMlflow(options);
    for (const server of ["mlflow", "storage"] as const) {
      // The storage host gets a host name of its own: another origin than the tracking server.
      const host = server === "storage" ? "localhost" : "127.0.0.1";
      const http = await startLocalServer((req, res) => fake.handle(server, req, res), { host });
      fake.servers.push(http);
      fake.origins[server] = http.url;
    }
    return fake;
  }

  get url(): string {
    return this.origins.mlflow;
  }

  /** Requests that reached one server, optionally only those whose path starts with `prefix`. */
  requestsTo(server: RecordedRequest["server"], prefix = ""): RecordedRequest[] {
    return this.requests.filter((r) => r.server === server && r.path.startsWith(prefix));
  }

  /** The next requests that `match` get these answers, one each, before the server answers normally again. */
  failNext(match: (request: RecordedRequest) => boolean, ...answers: FakeAnswer[]): void {
    this.scripted.push({ match, answers });
  }

  setModel(model: FakeMlflowModel): void {
    const versions = (model.versions ?? []).map((spec) => versionState(model, spec));
    this.models.set(model.name, { model, versions });
    for (const state of versions) {
      for (const [path, content] of Object.entries(state.spec.files ?? {})) {
        if (state.location) this.artifacts.set(`${state.location}/${path}`, toBytes(content));
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()));
  }

  private handle(server: RecordedRequest["server"], req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const request: RecordedRequest = {
      server,
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization ?? null,
    };
    this.requests.push(request);
    const script = this.scripted.find((s) => s.answers.length > 0 && s.match(request));
    const reply: Reply = script?.answers.shift() ?? this.route(request);
    const headers = { ...reply.headers };
    let body = reply.body ?? "";
    if (reply.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(reply.json);
    }
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  private route(request: RecordedRequest): Reply {
    if (request.server === "storage") return this.download(decodeURIComponent(request.path.replace(/^\/blobs\//, "")));
    const denied = this.authenticate(request.authorization);
    if (denied) return denied;
    const name = request.query.get("name");
    if (name !== null && (this.options.forbidden ?? []).includes(name)) {
      return { status: 403, headers: { "content-type": "text/html; charset=utf-8" }, body: "Permission denied" };
    }
    const { path, query } = request;
    if (path === ARTIFACTS) return this.list(query.get("path") ?? "");
    if (path.startsWith(`${ARTIFACTS}/`)) {
      const artifact = decodeURIComponent(path.slice(ARTIFACTS.length + 1));
      if (!this.options.redirectDownloads) return this.download(artifact);
      return { status: 302, headers: { location: `${this.origins.storage}/blobs/${encodeURI(artifact)}` } };
    }
    if (!path.startsWith(API)) return { status: 404, body: "<!doctype html><title>404 Not Found</title>" };
    return this.api(path.slice(API.length), query);
  }

  private api(endpoint: string, query: URLSearchParams): Reply {
    const name = query.get("name") ?? "";
    switch (endpoint) {
      case "registered-models/search":
        return this.searchModels(query);
      case "registered-models/get":
        return this.withModel(name, (entry) => ({
          registered_model: registeredModelJson(entry.model, entry.versions),
        }));
      case "model-versions/search":
        return this.searchVersions(query);
      case "model-versions/get":
        return this.withVersion(name, query.get("version") ?? "", (entry, state) => ({
          model_version: versionJson(entry.model, state),
        }));
      case "model-versions/get-download-uri":
        return this.withVersion(name, query.get("version") ?? "", (_, state) => ({
          artifact_uri: state.location ? `mlflow-artifacts:/${state.location}` : state.source,
        }));
      case "registered-models/alias": {
        const alias = query.get("alias") ?? "";
        return this.withModel(
          name,
          (entry) => {
            const state = entry.versions.find((v) => v.spec.aliases?.includes(alias));
            return state ? { model_version: versionJson(entry.model, state) } : null;
          },
          `Registered model alias ${alias} not found.`,
        );
      }
      case "runs/get":
        return this.getRun(query.get("run_id") ?? "");
      default:
        return mlflowError(404, "ENDPOINT_NOT_FOUND", `No API endpoint ${endpoint}`);
    }
  }

  private searchModels(query: URLSearchParams): Reply {
    const maxResults = Number(query.get("max_results") ?? 100);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_SEARCH_RESULTS) {
      return invalid(
        `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${MAX_SEARCH_RESULTS}.`,
      );
    }
    const conditions = parseFilter(query.get("filter"));
    if (conditions === null) return invalid(`Invalid filter '${query.get("filter")}'.`);
    const offset = readPageToken(query.get("page_token"));
    if (offset === null) return invalid("Invalid page token, could not base64-decode");
    const orderBy = query.getAll("order_by")[0] ?? "name ASC";
    const [key, direction] = orderBy.split(/\s+/);
    if (!["name", "last_updated_timestamp", "timestamp"].includes(key ?? ""))
      return invalid(`Invalid order_by key ${key}.`);
    const matching = [...this.models.values()].filter((entry) => conditions.every((test) => test(entry.model)));
    matching.sort((a, b) => {
      const byKey =
        key === "name"
          ? compare(a.model.name, b.model.name)
          : (a.model.lastUpdated ?? 1_700_000_000_000) - (b.model.lastUpdated ?? 1_700_000_000_000);
      return (direction?.toUpperCase() === "DESC" ? -byKey : byKey) || compare(a.model.name, b.model.name);
    });
    const page = matching.slice(offset, offset + maxResults);
    const json: Record<string, unknown> = {};
    if (page.length > 0) json.registered_models = page.map((e) => registeredModelJson(e.model, e.versions));
    if (offset + maxResults < matching.length) json.next_page_token = pageToken(offset + maxResults);
    return { status: 200, json };
  }

  private searchVersions(query: URLSearchParams): Reply {
    const match = /^name\s*=\s*(['"])(.*)\1$/.exec(query.get("filter") ?? "");
    if (!match) return invalid(`Invalid filter '${query.get("filter")}'.`);
    const entry = this.models.get(match[2] as string);
    const versions = [...(entry?.versions ?? [])].sort((a, b) => b.spec.version - a.spec.version);
    const offset = readPageToken(query.get("page_token")) ?? 0;
    const maxResults = Number(query.get("max_results") ?? 10_000);
    const page = versions.slice(offset, offset + maxResults);
    const json: Record<string, unknown> = {};
    if (entry && page.length > 0) json.model_versions = page.map((state) => versionJson(entry.model, state));
    if (offset + maxResults < versions.length) json.next_page_token = pageToken(offset + maxResults);
    return { status: 200, json };
  }

  private withModel(
    name: string,
    answer: (entry: { model: FakeMlflowModel; versions: VersionState[] }) => unknown,
    missing = "",
  ): Reply {
    const entry = this.models.get(name);
    if (!entry) return mlflowError(404, "RESOURCE_DOES_NOT_EXIST", `Registered Model with name=${name} not found`);
    const json = answer(entry);
    return json === null ? mlflowError(404, "RESOURCE_DOES_NOT_EXIST", missing) : { status: 200, json };
  }

  private withVersion(
    name: string,
    version: string,
    answer: (entry: { model: FakeMlflowModel }, state: VersionState) => unknown,
  ): Reply {
    if (!/^\d+$/.test(version)) return invalid(`Model version must be an integer, got '${version}'.`);
    const entry = this.models.get(name);
    const state = entry?.versions.find((v) => v.spec.version === Number(version));
    if (!entry || !state) {
      return mlflowError(404, "RESOURCE_DOES_NOT_EXIST", `Model Version (name=${name}, version=${version}) not found`);
    }
    return { status: 200, json: answer(entry, state) };
  }

  private getRun(runId: string): Reply {
    const exists = [...this.models.values()].some((entry) => entry.versions.some((v) => v.runId === runId));
    if (!exists) return mlflowError(404, "RESOURCE_DOES_NOT_EXIST", `Run with id=${runId} not found`);
    const info = {
      run_id: runId,
      run_uuid: runId,
      experiment_id: EXPERIMENT,
      status: "FINISHED",
      start_time: 1_700_000_000_000,
      end_time: 1_700_000_060_000,
      artifact_uri: `mlflow-artifacts:/${EXPERIMENT}/${runId}/artifacts`,
      lifecycle_stage: "active",
    };
    return { status: 200, json: { run: { info, data: {}, inputs: {} } } };
  }

  /** The artifact proxy's listing: the entries of one folder, named within it, directories without a size. */
  private list(folder: string): Reply {
    const prefix = folder ? `${folder.replace(/\/+$/, "")}/` : "";
    const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const [path, bytes] of this.artifacts) {
      if (!path.startsWith(prefix)) continue;
      const [head, ...rest] = path.slice(prefix.length).split("/");
      if (!head) continue;
      entries.set(
        head,
        rest.length > 0 ? { path: head, is_dir: true } : { path: head, is_dir: false, file_size: bytes.length },
      );
    }
    const files = [...entries.values()].sort((a, b) => compare(a.path, b.path));
    return { status: 200, json: files.length > 0 ? { files } : {} };
  }

  /** A download, streamed whole as MLflow's proxy does (it ignores Range). */
  private download(path: string): Reply {
    const bytes = this.artifacts.get(path);
    if (!bytes) return mlflowError(404, "RESOURCE_DOES_NOT_EXIST", `Artifact ${path} not found`);
    const name = path.split("/").at(-1) ?? path;
    return {
      status: 200,
      headers: { "content-type": "application/octet-stream", "content-disposition": `attachment; filename=${name}` },
      body: bytes,
    };
  }

  /** The basic-auth app's and a token proxy's answer to missing or wrong credentials. */
  private authenticate(authorization: string | null): Reply | null {
    const { token, basic } = this.options;
    const expected = basic
      ? `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString("base64")}`
      : token
        ? `Bearer ${token}`
        : null;
    if (expected === null || authorization === expected) return null;
    return {
      status: 401,
      headers: { "www-authenticate": 'Basic realm="mlflow"', "content-type": "text/html; charset=utf-8" },
      body: "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.",
    };
  }
}

/** MLflow's error body with the status its error code maps to. */
export function mlflowError(status: number, errorCode: string, message: string): Reply & FakeAnswer {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ error_code: errorCode, message }),
  };
}

function invalid(message: string): Reply {
  return mlflowError(400, "INVALID_PARAMETER_VALUE", message);
}

function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === "string" ? Buffer.from(content) : content;
}
