import type { IncomingMessage, ServerResponse } from "node:http";
import {
  buildRepoState,
  DEFAULT_LIST_FIELDS,
  type FakeHubRepo,
  type HubRepoState,
  infoJson,
  listFields,
  resolveRevision,
  treeEntries,
} from "./fake-hub-repos.js";
import { type LocalServer, startLocalServer } from "./local-server.js";

export type { FakeHubFile, FakeHubRepo } from "./fake-hub-repos.js";

/** Which of the fake's servers a request reached. */
export type FakeHubServer = "hub" | "canonical" | "cdn";

export interface RecordedRequest {
  server: FakeHubServer;
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | null;
  /** The Range header, when the client sent one. */
  range: string | null;
  /** When it arrived (performance.now()), so tests can see how long the client waited between tries. */
  at: number;
}

/** A scripted answer, served instead of the real one. */
export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Close the connection without answering (a network failure). */
  drop?: boolean;
}

export interface FakeHubOptions {
  repos: FakeHubRepo[];
  /** Tokens the Hub accepts; any other bearer token gets 401 "Invalid credentials". */
  tokens?: string[];
  /** Tree API entries per page (the Hub's own page is 1000). */
  treePageSize?: number;
  /** Answer model info without sizes, ignoring blobs=true (as some mirrors do). */
  ignoreBlobs?: boolean;
  /** Old repository ids the Hub redirects (307) to their new ids. */
  renames?: Record<string, string>;
  /** The CDN sends file bodies in chunks with a pause after each (a slow link), so pulls take a while. */
  cdnThrottle?: { chunkBytes: number; pauseMs: number };
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
}

const API_LIMIT = 1000;
const WINDOW_SECONDS = 300;

/**
 * A local stand-in for the Hugging Face Hub that answers like the real one: /api/models with its
 * filters, sorts and Link pagination; model info with siblings, sizes and LFS hashes; the tree
 * and auth-check APIs; resolve URLs that redirect LFS files to a CDN; the Hub's status codes and
 * X-Error-Code headers for missing, private and gated repositories; RateLimit headers.
 * Three servers: `url` (the endpoint the gateway is given), `canonicalUrl` (the Hub's own host,
 * which its Link headers name) and `cdnUrl` (where LFS files live). Every request is recorded.
 */
export class FakeHub {
  readonly requests: RecordedRequest[] = [];
  /** Milliseconds to wait before answering any request to `url` (a slow Hub). */
  delayMs = 0;
  /** When set, the CDN sends file bodies in chunks of this many bytes, pausing between them (a slow link). */
  cdnPace: { chunkBytes: number; pauseMs: number } | null = null;
  private readonly repos: Map<string, HubRepoState>;
  private readonly scripted: Array<{ match: (request: RecordedRequest) => boolean; answers: FakeAnswer[] }> = [];
  private readonly servers: LocalServer[] = [];
  private readonly origins = { hub: "", canonical: "", cdn: "" };
  private apiCalls = 0;

  private constructor(private readonly options: FakeHubOptions) {
    this.repos = new Map(options.repos.map((repo) => [repo.id, buildRepoState(repo)]));
  }

  static async start(options: FakeHubOptions): Promise<FakeHub> {
    const hub = new FakeHub(options);
    for (const server of ["hub", "canonical", "cdn"] as const) {
      // The canonical host gets a host name of its own, as huggingface.co is not the mirror's.
      const host = server === "canonical" ? "localhost" : "127.0.0.1";
      const http = await startLocalServer((req, res) => hub.handle(server, req, res), { host });
      hub.servers.push(http);
      hub.origins[server] = http.url;
    }
    return hub;
  }

  get url(): string {
    return this.origins.hub;
  }
  get canonicalUrl(): string {
    return this.origins.canonical;
  }
  get cdnUrl(): string {
    return this.origins.cdn;
  }

  /** Requests that reached one server, optionally only those whose path starts with `prefix`. */
  requestsTo(server: FakeHubServer, prefix = ""): RecordedRequest[] {
    return this.requests.filter((r) => r.server === server && r.path.startsWith(prefix));
  }

  /** The next requests that `match` get these answers, one each, before the Hub answers normally again. */
  failNext(match: (request: RecordedRequest) => boolean, ...answers: FakeAnswer[]): void {
    this.scripted.push({ match, answers });
  }

  /** The commit sha a branch or tag of a repository points at. */
  commitOf(id: string, revision = "main"): string {
    const commit = this.repos.get(id)?.commits.get(revision);
    if (!commit) throw new Error(`The fake Hub has no ${id}@${revision}.`);
    return commit;
  }

  /** Adds or replaces a repository. */
  setRepo(repo: FakeHubRepo): void {
    this.repos.set(repo.id, buildRepoState(repo));
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()));
  }

  private async handle(server: FakeHubServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const request: RecordedRequest = {
      server,
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization ?? null,
      range: req.headers.range ?? null,
      at: performance.now(),
    };
    this.requests.push(request);
    if (server === "hub" && this.delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs).unref());
    }
    const script = this.scripted.find((s) => s.answers.length > 0 && s.match(request));
    const scripted = script?.answers.shift();
    if (scripted?.drop) {
      req.socket.destroy();
      return;
    }
    const reply = scripted
      ? { ...scripted, body: scripted.body ?? "" }
      : this.route(server, request, req.headers.range);
    const headers = { ...this.rateLimitHeaders(request), ...reply.headers };
    const body = reply.json === undefined ? (reply.body ?? "") : JSON.stringify(reply.json);
    if (reply.json !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    if (server === "cdn" && this.cdnPace && request.method !== "HEAD" && typeof body !== "string") {
      res.writeHead(reply.status, { ...headers, "content-length": String(body.length) });
      await paced(res, body, this.cdnPace);
      return;
    }
    res.writeHead(reply.status, headers);
    const throttle = server === "cdn" ? this.options.cdnThrottle : undefined;
    if (throttle && request.method !== "HEAD") await trickle(res, Buffer.from(body), throttle);
    else res.end(request.method === "HEAD" ? undefined : body);
  }

  private route(server: FakeHubServer, request: RecordedRequest, range: string | undefined): Reply {
    const { path } = request;
    if (server === "cdn") return this.blob(path, range);
    const bearer = request.authorization?.replace(/^Bearer\s+/i, "") ?? null;
    if (bearer !== null && !(this.options.tokens ?? []).includes(bearer)) {
      return hubError(401, null, "Invalid credentials in Authorization header");
    }
    if (path === "/api/models") return this.list(request, bearer);
    const renamed = this.renamed(path);
    if (renamed)
      return { status: 307, headers: { location: renamed + (request.query.size ? `?${request.query}` : "") } };
    const api = /^\/api\/models\/([^/]+(?:\/[^/]+)?)(?:\/(revision|tree)\/([^/]+)(?:\/(.*))?|\/(auth-check))?$/.exec(
      path,
    );
    if (api) return this.repoApi(api, request, bearer);
    const resolve = /^\/([^/]+(?:\/[^/]+)?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve) return this.resolve(resolve, bearer);
    return { status: 404, body: "Not Found" };
  }

  private list(request: RecordedRequest, bearer: string | null): Reply {
    const q = request.query;
    const sort = q.get("sort");
    if (sort && !["downloads", "likes", "lastModified", "trendingScore", "createdAt"].includes(sort)) {
      return hubError(400, null, `Invalid sort parameter: ${sort}`);
    }
    const search = q.get("search")?.toLowerCase();
    const matching = [...this.repos.values()].filter(
      (state) =>
        this.canRead(state, bearer) &&
        (!search || state.repo.id.toLowerCase().includes(search)) &&
        (!q.get("author") || state.repo.id.startsWith(`${q.get("author")}/`)) &&
        (!q.get("pipeline_tag") || state.repo.pipelineTag === q.get("pipeline_tag")) &&
        q.getAll("filter").every((tag) => state.tags.includes(tag)),
    );
    if (sort) matching.sort((a, b) => descending(listFields(a)[sort], listFields(b)[sort]));
    const limit = Math.min(Number(q.get("limit") ?? API_LIMIT), API_LIMIT);
    const offset = q.get("cursor") ? Number(Buffer.from(q.get("cursor") as string, "base64url").toString()) : 0;
    const expand = q.getAll("expand");
    const fields = expand.length > 0 ? ["_id", "id", ...expand] : DEFAULT_LIST_FIELDS;
    const page = matching.slice(offset, offset + limit).map((state) => {
      const all = listFields(state);
      return Object.fromEntries(fields.filter((field) => all[field] !== undefined).map((field) => [field, all[field]]));
    });
    return { status: 200, json: page, headers: this.nextLink(request, offset + limit, matching.length) };
  }

  private repoApi(match: RegExpExecArray, request: RecordedRequest, bearer: string | null): Reply {
    const [, id, kind, revision, subPath, authCheck] = match;
    const state = this.repos.get(id as string);
    if (!state || !this.canRead(state, bearer)) return repoNotFound(bearer);
    if (state.repo.disabled) return hubError(403, null, "Access to this resource is disabled.");
    if (authCheck) return this.gate(state, bearer) ?? { status: 200, json: {} };
    const commit = resolveRevision(state, decodeURIComponent(revision ?? "main"));
    if (!commit) return hubError(404, "RevisionNotFound", `Invalid rev id: ${revision}`);
    if (kind !== "tree") {
      const blobs = request.query.get("blobs") === "true" && !this.options.ignoreBlobs;
      return { status: 200, json: infoJson(state, commit, blobs) };
    }
    const entries = treeEntries(state, subPath ?? "", request.query.get("recursive") === "true");
    const size = this.options.treePageSize ?? 1000;
    const offset = Number(request.query.get("cursor") ?? 0);
    return {
      status: 200,
      json: entries.slice(offset, offset + size),
      headers: this.nextLink(request, offset + size, entries.length, String(offset + size)),
    };
  }

  private resolve(match: RegExpExecArray, bearer: string | null): Reply {
    const [, id, revision, path] = match;
    const state = this.repos.get(id as string);
    if (!state || !this.canRead(state, bearer)) return repoNotFound(bearer);
    const denied = this.gate(state, bearer);
    if (denied) return denied;
    const commit = resolveRevision(state, decodeURIComponent(revision as string));
    if (!commit) return hubError(404, "RevisionNotFound", `Invalid rev id: ${revision}`);
    const file = state.files.find((f) => f.path === decodeURIComponent(path as string));
    if (!file) return hubError(404, "EntryNotFound", "Entry not found");
    const common = { "x-repo-commit": commit, etag: `"${file.lfs ? file.sha256 : file.gitOid}"` };
    if (!file.lfs) return { status: 200, headers: common, body: file.bytes };
    const location = `${this.cdnUrl}/blobs/${file.sha256}?commit=${commit}`;
    return {
      status: 302,
      headers: { ...common, location, "x-linked-etag": `"${file.sha256}"`, "x-linked-size": String(file.size) },
      body: `Found. Redirecting to ${location}`,
    };
  }

  /** The CDN: content by sha256, with single byte ranges. */
  private blob(path: string, range: string | undefined): Reply {
    const sha256 = /^\/blobs\/([0-9a-f]{64})$/.exec(path)?.[1];
    const file = [...this.repos.values()].flatMap((s) => s.files).find((f) => f.sha256 === sha256);
    if (!file) return { status: 404, body: "NoSuchKey" };
    const bounds = range && /^bytes=(\d+)-(\d*)$/.exec(range);
    if (!bounds) return { status: 200, body: file.bytes };
    const start = Number(bounds[1]);
    const end = bounds[2] ? Math.min(Number(bounds[2]), file.size - 1) : file.size - 1;
    if (start >= file.size) return { status: 416, headers: { "content-range": `bytes */${file.size}` } };
    return {
      status: 206,
      headers: { "content-range": `bytes ${start}-${end}/${file.size}` },
      body: file.bytes.subarray(start, end + 1),
    };
  }

  private canRead(state: HubRepoState, bearer: string | null): boolean {
    return !state.repo.private || (bearer !== null && (state.repo.grantedTokens ?? []).includes(bearer));
  }

  /** The Hub's answer to a gated repository's files without access: 401 to anonymous, 403 to a token. */
  private gate(state: HubRepoState, bearer: string | null): Reply | null {
    const { repo } = state;
    if (!repo.gated || (bearer !== null && (repo.grantedTokens ?? []).includes(bearer))) return null;
    return bearer === null
      ? hubError(
          401,
          "GatedRepo",
          `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
        )
      : hubError(
          403,
          "GatedRepo",
          `Access to model ${repo.id} is restricted and you are not in the authorized list. Visit ${this.canonicalUrl}/${repo.id} to ask for access.`,
        );
  }

  private renamed(path: string): string | null {
    for (const [from, to] of Object.entries(this.options.renames ?? {})) {
      for (const prefix of [`/api/models/${from}`, `/${from}/resolve/`]) {
        if (path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`)) {
          return path.replace(from, to);
        }
      }
    }
    return null;
  }

  /** The Hub's pagination: an absolute link on its canonical host, with an opaque cursor. */
  private nextLink(request: RecordedRequest, next: number, total: number, cursor?: string): Record<string, string> {
    if (next >= total) return {};
    const query = new URLSearchParams(request.query);
    query.set("cursor", cursor ?? Buffer.from(String(next)).toString("base64url"));
    return { link: `<${this.canonicalUrl}${request.path}?${query}>; rel="next"` };
  }

  private rateLimitHeaders(request: RecordedRequest): Record<string, string> {
    if (request.server === "cdn") return {};
    const bucket = request.path.startsWith("/api/") ? "api" : "resolvers";
    if (bucket === "api") this.apiCalls++;
    const remaining = Math.max(0, API_LIMIT - this.apiCalls);
    return {
      ratelimit: `"${bucket}";r=${bucket === "api" ? remaining : 4999};t=${WINDOW_SECONDS}`,
      "ratelimit-policy": `"fixed window";"${bucket}";q=${bucket === "api" ? API_LIMIT : 5000};w=${WINDOW_SECONDS}`,
    };
  }
}

/** Writes a body a chunk at a time, pausing between chunks, until it is sent or the client leaves. */
async function trickle(
  res: ServerResponse,
  body: Buffer,
  { chunkBytes, pauseMs }: { chunkBytes: number; pauseMs: number },
) {
  for (let offset = 0; offset < body.length && !res.destroyed; offset += chunkBytes) {
    res.write(body.subarray(offset, offset + chunkBytes));
    await new Promise((resolve) => setTimeout(resolve, pauseMs).unref());
  }
  res.end();
}

function descending(a: unknown, b: unknown): number {
  return (b as number) > (a as number) ? 1 : (b as number) < (a as number) ? -1 : 0;
}

function hubError(status: number, code: string | null, message: string): Reply {
  const headers: Record<string, string> = { "x-error-message": message };
  if (code) headers["x-error-code"] = code;
  return { status, headers, json: { error: message } };
}

/** Missing and private repositories look alike: 401 to anonymous callers, 404 to a token. */
function repoNotFound(bearer: string | null): Reply {
  return hubError(bearer === null ? 401 : 404, "RepoNotFound", "Repository not found");
}

/** A 429 as the Hub sends it, with the seconds until its window resets. */
export function rateLimitedAnswer(resetSeconds: number): FakeAnswer {
  return {
    status: 429,
    headers: {
      ratelimit: `"api";r=0;t=${resetSeconds}`,
      "ratelimit-policy": `"fixed window";"api";q=${API_LIMIT};w=${WINDOW_SECONDS}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ error: "You have exceeded our hourly quotas for action: api" }),
  };
}

export const unavailableAnswer: FakeAnswer = { status: 503, body: "Service Unavailable" };

export const droppedConnection: FakeAnswer = { status: 0, drop: true };

/** Sends a body a chunk at a time with pauses between chunks, until it is sent or the client leaves. */
async function paced(res: ServerResponse, body: Buffer, pace: { chunkBytes: number; pauseMs: number }): Promise<void> {
  for (let offset = 0; offset < body.length && !res.destroyed; offset += pace.chunkBytes) {
    await new Promise<void>((resolve) => res.write(body.subarray(offset, offset + pace.chunkBytes), () => resolve()));
    if (offset + pace.chunkBytes < body.length) await new Promise((resolve) => setTimeout(resolve, pace.pauseMs));
  }
  if (!res.destroyed) res.end();
}
