import type { ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GatewayContext } from "../../context.js";
import type { Logger } from "../../logger.js";
import type { Metrics } from "../../observability/metrics.js";
import { beginRequest, factsOf } from "../../observability/request-scope.js";

/**
 * One structured log line and the metrics for every HTTP request: its id (X-Request-Id, echoed
 * back), GraphQL operation, status, duration, error codes and caller — never a credential.
 */
export function useRequestObserver(logger: Logger, metrics: Metrics): Plugin<GatewayContext> {
  return {
    onRequest({ request }) {
      beginRequest(request);
    },
    onParams({ request, params }) {
      const entry = factsOf(request);
      if (!entry) return;
      entry.operationName = typeof params.operationName === "string" ? params.operationName : null;
      // A hostile body may send anything as `query`; only a string can name an operation.
      const query = typeof params.query === "string" ? params.query : "";
      entry.operation = /^\s*(mutation|subscription)\b/.exec(query)?.[1] ?? "query";
    },
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext & { request: Request };
      const entry = factsOf(context.request);
      if (entry) entry.caller = callerName(context);
    },
    onResultProcess({ request, result }) {
      const entry = factsOf(request);
      const results = (Array.isArray(result) ? result : [result]) as ExecutionResult[];
      for (const item of results) {
        for (const error of item?.errors ?? []) entry?.codes.push(String(error.extensions?.code ?? "UNKNOWN"));
      }
    },
    onResponse({ request, response }) {
      const entry = factsOf(request);
      if (!entry) return;
      response.headers.set("x-request-id", entry.id);
      const seconds = (performance.now() - entry.started) / 1000;
      const path = new URL(request.url).pathname;
      const operation =
        path === "/graphql" ? entry.operation : path === "/v2" || path.startsWith("/v2/") ? "oip" : "http";
      metrics.requests.inc({ operation, status: String(response.status) });
      metrics.requestDuration.observe({ operation }, seconds);
      for (const code of entry.codes) metrics.errors.inc({ code });
      logger.info(
        {
          requestId: entry.id,
          method: request.method,
          path,
          operation: entry.operationName ?? (path === "/graphql" ? entry.operation : undefined),
          status: response.status,
          durationMs: Math.round(seconds * 10_000) / 10,
          errors: entry.codes.length > 0 ? entry.codes : undefined,
          caller: entry.caller,
        },
        "request",
      );
    },
  };
}

function callerName({ caller }: GatewayContext): string {
  return "principal" in caller && caller.kind === "key" ? caller.principal.id : caller.kind;
}
