import { ArtifactsUnreachable } from "../../domain/errors.js";
import { ApiDownloadUriSchema, ApiGetRunSchema, type ApiModelVersion, parseApi } from "./api-types.js";
import type { MlflowCall, MlflowHttp } from "./mlflow-http.js";

/** What resolving a version's artifact location needs. */
export interface LocationContext {
  registry: string;
  /** The tracking server's base URL; artifacts are readable only through its proxy. */
  endpoint: string;
  http: MlflowHttp;
  call: MlflowCall;
  /** The reference, for errors. */
  ref: string;
  /** Runs the call with the registry's error mapping for a subject ("run", "revision"). */
  mapped<T>(subject: "run" | "revision", call: () => Promise<T>): Promise<T>;
}

/** The artifact proxy's path prefix under the tracking server (mlflow_artifacts.proto). */
export const PROXY_PATH = "/api/2.0/mlflow-artifacts/artifacts";
/** runs:/ and models:/ may point at each other; more hops than this is a loop. */
const MAX_HOPS = 4;

/**
 * Where a model version's files are, as a path under the server's artifact proxy
 * (`<endpoint>/api/2.0/mlflow-artifacts/artifacts/<path>`), worked out from its `source` as
 * MLflow's own client does: `mlflow-artifacts:/<path>` is that path; `runs:/<run_id>/<path>` is
 * the path under the run's artifact_uri (runs/get); `models:/...` is what get-download-uri answers.
 * A store the gateway cannot reach through the proxy (s3://, gs://, file:, dbfs:...) is
 * ARTIFACTS_UNREACHABLE, as is a proxy on another host (the credentials stay with the server).
 */
export async function resolveArtifactRoot(version: ApiModelVersion, context: LocationContext): Promise<string> {
  let uri = version.source ?? "";
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
    if (scheme === "mlflow-artifacts") return proxyPathOf(uri, context);
    if (scheme === "http" || scheme === "https") return httpProxyPathOf(uri, context);
    if (scheme === "runs") {
      uri = await runArtifactUri(uri, context);
      continue;
    }
    if (scheme === "models") {
      uri = await downloadUri(version, uri, hop === 0, context);
      continue;
    }
    const where = uri ? `${uri}` : "an empty source";
    throw new ArtifactsUnreachable(
      context.ref,
      `version ${version.version} was registered from ${where}, which the gateway can only read through the tracking server's artifact proxy (mlflow-artifacts:/ locations, a server run with --serve-artifacts).`,
      { registry: context.registry },
    );
  }
  throw new ArtifactsUnreachable(context.ref, `its source ${version.source} does not lead to an artifact location.`, {
    registry: context.registry,
  });
}

/** `mlflow-artifacts:/0/abc/artifacts/model` → `0/abc/artifacts/model`; a host of its own must be the server's. */
function proxyPathOf(uri: string, context: LocationContext): string {
  const rest = uri.slice("mlflow-artifacts:".length);
  const authority = rest.startsWith("//") ? (rest.slice(2).split("/")[0] ?? "") : "";
  if (authority && authority !== new URL(context.endpoint).host) {
    throw new ArtifactsUnreachable(
      context.ref,
      `its artifacts are served by ${authority}, another server than this registry's (${new URL(context.endpoint).host}).`,
      { registry: context.registry },
    );
  }
  return cleanPath(authority ? rest.slice(2 + authority.length) : rest, context);
}

/** An http(s) URL of this server's own artifact proxy. */
function httpProxyPathOf(uri: string, context: LocationContext): string {
  const url = new URL(uri);
  const base = new URL(context.endpoint);
  const prefix = `${base.pathname.replace(/\/$/, "")}${PROXY_PATH}/`;
  if (url.origin !== base.origin || !url.pathname.startsWith(prefix)) {
    throw new ArtifactsUnreachable(
      context.ref,
      `its artifacts are at ${url.origin}${url.pathname}, outside this registry's artifact proxy.`,
      {
        registry: context.registry,
      },
    );
  }
  return cleanPath(url.pathname.slice(prefix.length), context);
}

/** `runs:/<run_id>/<path>` → the run's artifact_uri joined with the path (runs/get). */
async function runArtifactUri(uri: string, context: LocationContext): Promise<string> {
  const [runId, ...path] = uri.slice("runs:".length).replace(/^\/+/, "").split("/");
  if (!runId)
    throw new ArtifactsUnreachable(context.ref, `its source ${uri} names no run.`, { registry: context.registry });
  const json = await context.mapped("run", () =>
    context.http.getJson("mlflow/runs/get", { run_id: runId }, context.call),
  );
  const root = parseApi(ApiGetRunSchema, json, `run ${runId}`, context.registry).run.info.artifact_uri;
  const tail = path.filter(Boolean).join("/");
  return tail ? `${root.replace(/\/+$/, "")}/${tail}` : root;
}

/**
 * get-download-uri of this version (on the first hop), or of the `models:/<name>/<version>` a
 * later hop names; a `models:/` the server cannot resolve further ends the chain.
 */
async function downloadUri(
  version: ApiModelVersion,
  uri: string,
  first: boolean,
  context: LocationContext,
): Promise<string> {
  const match = first ? [uri, version.name, version.version] : /^models:\/+(.+)\/(\d+)$/.exec(uri);
  if (!match) {
    throw new ArtifactsUnreachable(
      context.ref,
      `its source leads to ${uri}, which names no model version to resolve.`,
      {
        registry: context.registry,
      },
    );
  }
  const [, name, number] = match;
  const json = await context.mapped("revision", () =>
    context.http.getJson("mlflow/model-versions/get-download-uri", { name, version: number }, context.call),
  );
  return parseApi(ApiDownloadUriSchema, json, "download URI", context.registry).artifact_uri;
}

/**
 * Decoded, without empty segments, so each segment can be encoded once when a URL is built; a "."
 * or ".." segment, which a URL would resolve away, cannot name a place under the proxy.
 */
function cleanPath(path: string, context: LocationContext): string {
  const clean = path
    .split("/")
    .filter((segment) => segment.length > 0)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
  if (clean.split("/").some((segment) => segment === "." || segment === "..")) {
    throw new ArtifactsUnreachable(context.ref, `its artifact location ${path} has "." or ".." segments.`, {
      registry: context.registry,
    });
  }
  return clean;
}

/** A path under an artifact root ("" when the version's artifacts are the proxy's root). */
export function underRoot(root: string, path: string): string {
  return root ? `${root}/${path}` : path;
}

/** The proxy URL of a path under it, each segment encoded. */
export function proxyUrl(endpoint: string, path: string): string {
  return `${endpoint}${PROXY_PATH}/${path.split("/").map(encodeURIComponent).join("/")}`;
}
