import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  buildState,
  commitJson,
  type FakeModelScopeRepo,
  type FakeModelScopeState,
  fileEntries,
  listedModel,
  listedTags,
  modelData,
  resolveRevision,
  revisionsData,
} from "./fake-modelscope-repos.js";
import { type LocalServer, startLocalServer } from "./local-server.js";

export type { FakeModelScopeFile, FakeModelScopeRepo } from "./fake-modelscope-repos.js";

/** Which of the fake's servers a request reached: ModelScope's API, or the object storage its downloads redirect to. */
export type FakeModelScopeServer = "api" | "oss";

export interface ModelScopeRequest {
  server: FakeModelScopeServer;
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | null;
  cookie: string | null;
  range: string | null;
}

/** A scripted answer, served instead of the real one; an object body is sent as JSON. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Record<string, unknown>;
  /** Close the connection without answering. */
  drop?: boolean;
}

/** Faults of one file's downloads, each entry used by one coming response. */
export interface DownloadFaults {
  /** Cut the connection after this many body bytes. */
  cutAfter?: number[];
  /** Answer with these statuses first (a 429 says Retry-After: 0). */
  statuses?: number[];
  /** Flip one byte in the middle of every response. */
  corrupt?: boolean;
}

export interface FakeModelScopeOptions {
  repos: FakeModelScopeRepo[];
  /** Tokens ModelScope accepts; any other token gets 401. */
  tokens?: string[];
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  bytes?: Buffer;
  faults?: DownloadFaults;
}

const MAX_PAGE_SIZE = 50;
const SORTS: Record<string, (state: FakeModelScopeState) => number> = {
  downloads: (s) => s.repo.downloads ?? 0,
  likes: (s) => s.repo.stars ?? 0,
  last_modified: (s) => s.repo.lastUpdated ?? 0,
};

/**
 * A local stand-in for ModelScope that answers in its real formats: the OpenAPI search
 * (`/openapi/v1/models`, `{success, data}` envelopes, page numbers, at most 50 a page and 3000 in
 * all) and the `/api/v1` model, revisions, commits, file list and file download endpoints
 * (`{Code, Data, Message, RequestId, Success}` envelopes). The OpenAPI reads the token from
 * `Authorization: Bearer`, `/api/v1` from the `m_session_id` cookie, as ModelScope does. LFS files
 * download through a redirect to a second server (`ossUrl`, another origin), with Range.
 */
export class FakeModelScope {
  readonly requests: ModelScopeRequest[] = [];
  private readonly repos: Map<string, FakeModelScopeState>;
  private readonly scripted: Array<{ match: (r: ModelScopeRequest) => boolean; answers: ScriptedAnswer[] }> = [];
  private readonly downloadFaults = new Map<string, DownloadFaults>();
  private readonly servers: LocalServer[] = [];
  private readonly origins = { api: "", oss: "" };

  private constructor(private readonly options: FakeModelScopeOptions) {
    this.repos = new Map(options.repos.map((repo) => [repo.id, buildState(repo)]));
  }

  static async start(options: FakeModelScopeOptions): Promise<FakeModelScope> {
    const fake = new FakeModelScope(options);
    for (const server of ["api", "oss"] as const) {
      // The storage gets a host name of its own, as ModelScope's OSS buckets are not its site.
      const host = server === "oss" ? "localhost" : "127.0.0.1";
      const http = await startLocalServer((req, res) => fake.handle(server, req, res), { host });
      fake.servers.push(http);
      fake.origins[server] = http.url;
    }
    return fake;
  }

  get url(): string {
    return this.origins.api;
  }
  get ossUrl(): string {
    return this.origins.oss;
  }

  /** Requests that reached one server, optionally only those whose path starts with `prefix`. */
  requestsTo(server: FakeModelScopeServer, prefix = ""): ModelScopeRequest[] {
    return this.requests.filter((r) => r.server === server && r.path.startsWith(prefix));
  }

  /** Requests that downloaded a model's file, from the API and from the storage it redirects to. */
  downloadsOf(id: string, path: string): ModelScopeRequest[] {
    const file = this.repos.get(id)?.files.find((f) => f.path === path);
    return this.requests.filter(
      (r) =>
        (r.server === "api" && r.path === `/api/v1/models/${id}/repo` && r.query.get("FilePath") === path) ||
        (r.server === "oss" && file !== undefined && r.path.endsWith(`/${file.sha256}`)),
    );
  }

  /** The next requests that `match` get these answers, one each, before ModelScope answers normally again. */
  failNext(match: (request: ModelScopeRequest) => boolean, ...answers: ScriptedAnswer[]): void {
    this.scripted.push({ match, answers });
  }

  /** Faults for the downloads of one file of one model (from the API or the storage alike). */
  faultDownload(id: string, path: string, faults: DownloadFaults): void {
    this.downloadFaults.set(`${id}:${path}`, faults);
  }

  /** The commit a branch or tag of a model points at. */
  commitOf(id: string, revision = "master"): string {
    const commit = this.repos.get(id)?.commits.get(revision);
    if (!commit) throw new Error(`The fake ModelScope has no ${id}@${revision}.`);
    return commit;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()));
  }

  private handle(server: FakeModelScopeServer, req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const request: ModelScopeRequest = {
      server,
      method: req.method ?? "GET",
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      authorization: req.headers.authorization ?? null,
      cookie: req.headers.cookie ?? null,
      range: req.headers.range ?? null,
    };
    this.requests.push(request);
    const scripted = this.scripted.find((s) => s.answers.length > 0 && s.match(request))?.answers.shift();
    if (scripted?.drop) {
      req.socket.destroy();
      return;
    }
    if (scripted) {
      const json = typeof scripted.body === "object";
      const headers = { ...(json && { "content-type": "application/json" }), ...scripted.headers };
      res.writeHead(scripted.status, headers).end(json ? JSON.stringify(scripted.body) : (scripted.body ?? ""));
      return;
    }
    const reply = server === "oss" ? this.storage(request) : this.route(request, req.headers["x-request-id"]);
    if (reply.bytes) this.sendBytes(res, reply, request.range);
    else
      res
        .writeHead(reply.status, {
          ...(reply.json !== undefined && { "content-type": "application/json" }),
          ...reply.headers,
        })
        .end(reply.json === undefined ? "" : JSON.stringify(reply.json));
  }

  private route(request: ModelScopeRequest, requestId: string | string[] | undefined): Reply {
    const id = typeof requestId === "string" ? requestId : randomUUID();
    if (request.path === "/openapi/v1/models") return this.search(request, id);
    const match = /^\/api\/v1\/models\/([^/]+)\/([^/]+)(\/revisions|\/commits|\/repo\/files|\/repo)?$/.exec(
      request.path,
    );
    if (!match) return legacyError(404, 404, "Not Found", id);
    const cookieToken = /(?:^|;\s*)m_session_id=([^;]+)/.exec(request.cookie ?? "")?.[1] ?? null;
    if (cookieToken !== null && !(this.options.tokens ?? []).includes(cookieToken)) {
      return legacyError(401, 10010101003, "无效的访问令牌 (invalid access token)", id);
    }
    const state = this.repos.get(`${match[1]}/${match[2]}`);
    if (!state) return legacyError(404, 10010205001, "模型不存在", id);
    if (state.repo.private && !(state.repo.grantedTokens ?? []).includes(cookieToken ?? "")) {
      return cookieToken === null
        ? legacyError(401, 10010101002, "用户未登录", id)
        : legacyError(403, 10010101004, "无权限访问该模型", id);
    }
    const q = request.query;
    switch (match[3]) {
      case undefined:
        return legacyOk(modelData(state), id);
      case "/revisions":
        return legacyOk(revisionsData(state), id);
      case "/commits": {
        const commit = resolveRevision(state, q.get("Ref") ?? "master");
        if (!commit) return legacyError(404, 10010205003, `Ref ${q.get("Ref")} 不存在`, id);
        return { status: 200, json: { ...envelope(id), Data: { Commit: [commitJson(commit)] }, TotalCount: 1 } };
      }
      case "/repo/files": {
        const commit = resolveRevision(state, q.get("Revision") ?? "master");
        if (!commit) return legacyError(404, 10010205003, `Revision ${q.get("Revision")} 不存在`, id);
        return legacyOk({ Files: fileEntries(state, commit, q.get("Recursive")?.toLowerCase() === "true") }, id);
      }
      default:
        return this.download(state, request, id);
    }
  }

  /** `GET /openapi/v1/models` with its search words, owner, filters, sort and page numbers. */
  private search(request: ModelScopeRequest, id: string): Reply {
    const q = request.query;
    const bearer = request.authorization?.replace(/^Bearer\s+/i, "") ?? null;
    if (bearer !== null && !(this.options.tokens ?? []).includes(bearer)) {
      return { status: 401, json: { success: false, request_id: id, code: "E3001", message: "Invalid token" } };
    }
    const page = Number(q.get("page_number") ?? 1);
    const size = Number(q.get("page_size") ?? 10);
    const sort = q.get("sort") ?? "default";
    const refuse = (message: string) => ({ status: 400, json: { success: false, request_id: id, message } });
    if (size > MAX_PAGE_SIZE || size < 1) return refuse(`page_size must be between 1 and ${MAX_PAGE_SIZE}`);
    if (page * size > 3000) return refuse("page_number * page_size must be <= 3000");
    if (sort !== "default" && !SORTS[sort]) return refuse(`Invalid sort key: ${sort}`);
    const words = q.get("search")?.toLowerCase();
    const tags = q.getAll("filter.custom_tag");
    const matching = [...this.repos.values()].filter(
      (s) =>
        (!s.repo.private || (s.repo.grantedTokens ?? []).includes(bearer ?? "")) &&
        (!words || s.repo.id.toLowerCase().includes(words)) &&
        (!q.get("owner") || s.owner === q.get("owner")) &&
        (!q.get("filter.task") || (s.repo.tasks ?? []).includes(q.get("filter.task") as string)) &&
        (!q.get("filter.library") || s.repo.library === q.get("filter.library")) &&
        tags.every((tag) => listedTags(s.repo).includes(tag)),
    );
    const key = SORTS[sort];
    if (key) matching.sort((a, b) => key(b) - key(a));
    const models = matching.slice((page - 1) * size, page * size).map(listedModel);
    const data = { models, total_count: matching.length, page_number: page, page_size: size };
    return { status: 200, json: { success: true, request_id: id, data } };
  }

  /** The file download endpoint: small files answered here, LFS files redirected to the storage. */
  private download(state: FakeModelScopeState, request: ModelScopeRequest, id: string): Reply {
    const commit = resolveRevision(state, request.query.get("Revision") ?? "master");
    if (!commit) return legacyError(404, 10010205003, "Revision 不存在", id);
    const file = state.files.find((f) => f.path === request.query.get("FilePath"));
    if (!file) return legacyError(404, 10010205002, "文件不存在", id);
    const faults = this.downloadFaults.get(`${state.repo.id}:${file.path}`);
    if (!file.lfs) return { status: 200, bytes: file.bytes, faults };
    const signed = new URLSearchParams({ Expires: "4102444800", OSSAccessKeyId: "LTAI-fake", Signature: "c2lnbmVk" });
    return {
      status: 302,
      headers: { location: `${this.ossUrl}/lfs/${state.owner}/${state.name}/${file.sha256}?${signed}` },
    };
  }

  /** The object storage: an object by its sha256, whatever credentials come (none should). */
  private storage(request: ModelScopeRequest): Reply {
    const match = /^\/lfs\/([^/]+)\/([^/]+)\/([0-9a-f]{64})$/.exec(request.path);
    const state = match && this.repos.get(`${match[1]}/${match[2]}`);
    const file = state?.files.find((f) => f.sha256 === match?.[3]);
    if (!state || !file) return { status: 404, headers: { "content-type": "application/xml" } };
    return { status: 200, bytes: file.bytes, faults: this.downloadFaults.get(`${state.repo.id}:${file.path}`) };
  }

  /** 200 with the whole file, or 206 from a Range request's offset; faults as configured. */
  private sendBytes(res: ServerResponse, reply: Reply, range: string | null): void {
    const faults = reply.faults ?? {};
    const status = faults.statuses?.shift();
    if (status) {
      res.writeHead(status, { "content-type": "application/json", ...(status === 429 && { "retry-after": "0" }) });
      res.end(JSON.stringify({ Code: status, Message: `HTTP ${status}`, RequestId: randomUUID(), Success: false }));
      return;
    }
    const file = reply.bytes as Buffer;
    const start = Number(/^bytes=(\d+)-$/.exec(range ?? "")?.[1] ?? 0);
    if (start >= file.length && start > 0) {
      res.writeHead(416, { "content-range": `bytes */${file.length}` }).end();
      return;
    }
    let body = file.subarray(start);
    if (faults.corrupt && body.length > 0) {
      body = Buffer.from(body);
      body[body.length >> 1] = (body[body.length >> 1] as number) ^ 0xff;
    }
    res.writeHead(start > 0 ? 206 : 200, {
      "content-length": body.length,
      "accept-ranges": "bytes",
      ...(start > 0 && { "content-range": `bytes ${start}-${file.length - 1}/${file.length}` }),
    });
    const cut = faults.cutAfter?.shift();
    if (cut === undefined) res.end(body);
    else res.write(body.subarray(0, cut), () => res.socket?.destroy());
  }
}

function envelope(requestId: string) {
  return { Code: 200, Message: "success", RequestId: requestId, Success: true };
}

function legacyOk(data: unknown, requestId: string): Reply {
  return { status: 200, json: { ...envelope(requestId), Data: data } };
}

/** ModelScope's error envelope: the HTTP status, and a business Code with its (often Chinese) Message. */
function legacyError(status: number, code: number, message: string, requestId: string): Reply {
  return { status, json: { Code: code, Data: null, Message: message, RequestId: requestId, Success: false } };
}
