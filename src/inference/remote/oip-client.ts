import { DeadlinePassed, deadlineScope } from "../../deadline.js";
import { RequestCancelled } from "../../domain/errors.js";
import { readRetryAfter } from "../../download/retry-after.js";
import { BodyTooLarge, readBody } from "../../oip/read-body.js";
import { modelMetadataSchema, type OipModelMetadata, serverMetadataSchema } from "../../oip/wire-schemas.js";
import { BackendFailure, failureOfStatus } from "./backend-failure.js";

/** Where a backend is and how to call it. */
export interface OipEndpoint {
  name: string;
  url: string;
  token: string | null;
}

/** A model on a backend: its name there, and the version asked for (null: the backend's choice). */
export interface BackendModel {
  name: string;
  version: string | null;
}

/** An answer: its status, headers and whole body (read under the call's deadline). */
export interface OipAnswer {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** Sent with every call a gateway makes to a backend, so a gateway backend never passes it on again. */
export const OFFLOAD_HEADER = "x-model-gateway-offload";
const ERROR_BODY_BYTES = 64 * 1024;

/**
 * The HTTP side of a remote Open Inference Protocol server: its health, metadata and raw calls,
 * each ending at its deadline (src/deadline.ts) and failing with a BackendFailure that says what
 * went wrong, or RequestCancelled when the caller went away.
 */
export class OipClient {
  constructor(
    readonly endpoint: OipEndpoint,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** Resolves when `GET /v2/health/ready` answers 200. */
  async ready(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.call("GET", "/v2/health/ready", { timeoutMs, signal, maxBytes: ERROR_BODY_BYTES });
  }

  /** The extensions the server metadata (`GET /v2`) lists. */
  async extensions(timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
    const answer = await this.call("GET", "/v2", { timeoutMs, signal, maxBytes: ERROR_BODY_BYTES });
    return parseJson(answer.body, serverMetadataSchema, "server metadata").extensions;
  }

  async modelMetadata(model: BackendModel, timeoutMs: number, signal?: AbortSignal): Promise<OipModelMetadata> {
    const answer = await this.call("GET", modelPath(model, ""), { timeoutMs, signal, maxBytes: 4 * 1024 * 1024 });
    return parseJson(answer.body, modelMetadataSchema, "model metadata");
  }

  /** Whether `GET …/ready` says the model is ready (200, and not `"ready": false`). */
  async modelReady(model: BackendModel, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    try {
      const answer = await this.call("GET", modelPath(model, "/ready"), {
        timeoutMs,
        signal,
        maxBytes: ERROR_BODY_BYTES,
      });
      const text = new TextDecoder().decode(answer.body).trim();
      return text === "" || (JSON.parse(text) as { ready?: unknown }).ready !== false;
    } catch (error) {
      // Triton answers 400 for a model that is not ready, KServe 503: either way, not ready.
      if (error instanceof BackendFailure && ["bad-input", "unavailable", "not-ready"].includes(error.kind))
        return false;
      if (error instanceof SyntaxError) return true;
      throw error;
    }
  }

  /** POSTs an inference body to the model's infer endpoint and answers the raw 200. */
  infer(
    model: BackendModel,
    request: { body: Uint8Array; headerLength: number | null; timeoutMs: number; maxBytes: number },
    signal: AbortSignal,
  ): Promise<OipAnswer> {
    return this.call("POST", modelPath(model, "/infer"), { ...request, signal });
  }

  private async call(
    method: "GET" | "POST",
    path: string,
    options: {
      timeoutMs: number;
      signal?: AbortSignal;
      maxBytes: number;
      body?: Uint8Array;
      headerLength?: number | null;
    },
  ): Promise<OipAnswer> {
    const scope = deadlineScope(options.timeoutMs, options.signal);
    const { signal } = scope;
    const headers: Record<string, string> = { accept: "application/json", [OFFLOAD_HEADER]: "1" };
    if (this.endpoint.token) headers.authorization = `Bearer ${this.endpoint.token}`;
    if (options.body) {
      headers["content-type"] = options.headerLength == null ? "application/json" : "application/octet-stream";
      if (options.headerLength != null) headers["inference-header-content-length"] = String(options.headerLength);
    }
    try {
      const response = await this.fetchFn(`${this.endpoint.url}${path}`, {
        method,
        headers,
        body: options.body as Uint8Array<ArrayBuffer> | undefined,
        signal,
        redirect: "error",
      });
      const ok = response.status === 200;
      const body = await readBody(
        response.body,
        response.headers.get("content-length"),
        ok ? options.maxBytes : ERROR_BODY_BYTES,
      ).catch(async (error: unknown) => {
        await response.body?.cancel().catch(() => {});
        throw error;
      });
      if (!ok) throw failureOfStatus(response.status, errorText(body), readRetryAfter(response.headers));
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if (error instanceof BackendFailure) throw error;
      if (options.signal?.aborted) throw new RequestCancelled("a remote backend was running the model");
      if (signal.reason instanceof DeadlinePassed) {
        throw new BackendFailure("timeout", `it did not answer within ${options.timeoutMs} ms`);
      }
      if (error instanceof BodyTooLarge)
        throw new BackendFailure("bad-answer", `its answer is larger than ${error.limit} bytes`);
      throw new BackendFailure("unreachable", `it could not be reached (${networkReason(error)})`);
    } finally {
      scope.done();
    }
  }
}

/** `/v2/models/<name>[/versions/<version>]<suffix>`, each part escaped (a reference's `:` and `/` too). */
export function modelPath(model: BackendModel, suffix: string): string {
  const version = model.version === null ? "" : `/versions/${encodeURIComponent(model.version)}`;
  return `/v2/models/${encodeURIComponent(model.name)}${version}${suffix}`;
}

function parseJson<T>(
  body: Uint8Array,
  schema: { safeParse(value: unknown): { success: boolean; data?: T } },
  what: string,
): T {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new BackendFailure("bad-answer", `its ${what} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BackendFailure("bad-answer", `its ${what} is not the protocol's`);
  return parsed.data as T;
}

/** OIP's `{ "error": "..." }`, when the body is that. */
function errorText(body: Uint8Array): string | null {
  try {
    const value = JSON.parse(new TextDecoder().decode(body)) as { error?: unknown };
    return typeof value?.error === "string" ? value.error : null;
  } catch {
    return null;
  }
}

/** `ECONNREFUSED`, `ENOTFOUND`…: what the socket said, from fetch's `cause`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
