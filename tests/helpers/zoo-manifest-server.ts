import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { startLocalServer } from "./local-server.js";

/** The ONNX Model Zoo's real manifest (184 entries), as its source serves it. */
export const REAL_MANIFEST = readFileSync(
  new URL("../fixtures/onnx-zoo/ONNX_HUB_MANIFEST.json", import.meta.url),
  "utf8",
);

/** The real manifest's entries, read here without the gateway's code, for expected values. */
export const REAL_ENTRIES = JSON.parse(REAL_MANIFEST) as Array<{
  model: string;
  model_path: string;
  onnx_version: string;
  opset_version: number;
  metadata: { tags: string[]; model_sha: string; model_bytes: number; io_ports?: unknown };
}>;

/**
 * How the source behaves: `ok` serves the body (304 when the client's validators match), `error`
 * answers 503 as a failing CDN does, `rate-limited` 429 with Retry-After, `reset` drops the
 * connection, `hang` never answers.
 */
export type SourceMode = "ok" | "error" | "rate-limited" | "reset" | "hang";

export interface ManifestRequest {
  status: number | null;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
}

export interface ManifestServer {
  url: string;
  mode: SourceMode;
  /** The manifest served; its ETag follows its content. */
  body: string;
  readonly etag: string;
  readonly lastModified: string;
  readonly requests: ManifestRequest[];
  close(): Promise<void>;
}

/** A local stand-in for the manifest's host, speaking HTTP caching the way a static file host does. */
export async function startManifestServer(body = REAL_MANIFEST): Promise<ManifestServer> {
  const requests: ManifestRequest[] = [];
  const state = {
    mode: "ok" as SourceMode,
    body,
    get etag() {
      return `"${createHash("sha256").update(this.body).digest("hex").slice(0, 40)}"`;
    },
    lastModified: "Tue, 07 Jan 2025 10:00:00 GMT",
  };
  const server = await startLocalServer((request, response) => {
    const record: ManifestRequest = {
      status: null,
      ifNoneMatch: request.headers["if-none-match"] ?? null,
      ifModifiedSince: request.headers["if-modified-since"] ?? null,
    };
    requests.push(record);
    const reply = (status: number, headers: Record<string, string>, content?: string) => {
      record.status = status;
      response.writeHead(status, headers).end(content);
    };
    if (state.mode === "hang") return;
    if (state.mode === "reset") return request.socket.destroy();
    if (state.mode === "error") return reply(503, { "content-type": "text/plain" }, "503 Service Unavailable");
    if (state.mode === "rate-limited") return reply(429, { "retry-after": "120" }, "429: Too Many Requests");
    if (request.url !== "/models/main/ONNX_HUB_MANIFEST.json") return reply(404, {}, "404: Not Found");
    const validators = { etag: state.etag, "last-modified": state.lastModified };
    if (record.ifNoneMatch === state.etag) return reply(304, validators);
    reply(200, { ...validators, "content-type": "text/plain; charset=utf-8" }, state.body);
  });
  return Object.assign(state, {
    url: `${server.url}/models/main/ONNX_HUB_MANIFEST.json`,
    requests,
    close: server.close,
  });
}
