import type { Plugin } from "graphql-yoga";
import type { Metrics } from "../../observability/metrics.js";

/** GET /metrics in Prometheus's text format. */
export function useMetricsEndpoint(metrics: Metrics): Plugin {
  return {
    async onRequest({ url, request, endResponse }) {
      if (url.pathname !== "/metrics" || request.method !== "GET") return;
      endResponse(
        new Response(await metrics.registry.metrics(), { headers: { "content-type": metrics.registry.contentType } }),
      );
    },
  };
}
