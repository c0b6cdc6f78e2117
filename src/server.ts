import { fileURLToPath } from "node:url";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { Config } from "./config.js";
import { createContext, type GatewayContext, type Services } from "./context.js";
import { maskError } from "./http/mask-error.js";
import { useAuthenticateFirst } from "./http/plugins/use-authenticate-first.js";
import { useBodyLimit } from "./http/plugins/use-body-limit.js";
import { useClientGuard } from "./http/plugins/use-client-guard.js";
import { useHealth } from "./http/plugins/use-health.js";
import { useMediaTypes } from "./http/plugins/use-media-types.js";
import { useMetricsEndpoint } from "./http/plugins/use-metrics-endpoint.js";
import { useOip } from "./http/plugins/use-oip.js";
import { useQueryLimits } from "./http/plugins/use-query-limits.js";
import { useRequestObserver } from "./http/plugins/use-request-observer.js";
import { useTensorSizeLimit } from "./http/plugins/use-tensor-size-limit.js";
import { useWebApp } from "./http/plugins/use-web-app.js";
import { clientAddress, type ServerContext } from "./http/server-context.js";
import { loadWebAssets } from "./http/web-assets.js";
import { yogaLogger } from "./observability/yoga-logger.js";
import { schema } from "./schema/index.js";

export type Gateway = YogaServerInstance<ServerContext, GatewayContext>;

/** Where `npm run build:web` writes the model browser. */
const WEB_DIST = fileURLToPath(new URL("../web/dist", import.meta.url));

const DEFAULT_QUERY = `# Search every registry at once; open the Docs panel for all fields.
{
  registries { name kind status }
  searchModels(query: "classifier", first: 5) {
    edges { node { ref name task inputs { name elementType shape } outputs { name shape } } }
    failures { registry code message }
  }
}
`;

/**
 * Builds the HTTP handler: the model browser at / (a client of the public API like any other),
 * GraphQL at /graphql (GraphiQL served from the installed packages, no CDN), readiness JSON at
 * /health, liveness at /healthz, Prometheus metrics at /metrics, and the Open Inference Protocol
 * under /v2. Requests are bounded (body size, query depth, cost…) before any resolver runs.
 * Listening is main.ts's job.
 */
export function createGateway(services: Services, config: Config): Gateway {
  const open = config.security.apiKeys.length === 0;
  return createYoga<ServerContext, GatewayContext>({
    schema,
    context: ({ request, ...serverContext }) => createContext(services, request, clientAddress(serverContext)),
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/healthz",
    landingPage: false,
    graphiql: config.server.graphiql && { title: "Model Gateway", defaultQuery: DEFAULT_QUERY },
    renderGraphiQL,
    // No CORS headers at all unless CORS_ORIGINS lists the request's origin: the gateway's own page is same-origin.
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (origin === null || !config.server.corsOrigins.includes(origin)) return false;
      return {
        origin: [origin],
        methods: ["GET", "POST"],
        allowedHeaders: [
          "authorization",
          "content-type",
          "accept",
          "x-request-id",
          "inference-header-content-length",
          "content-encoding",
        ],
        exposedHeaders: ["inference-header-content-length", "x-request-id", "retry-after"],
        credentials: false,
      };
    },
    logging: yogaLogger(services.logger),
    // isDev false in every mode: stacks and original errors never reach a client.
    maskedErrors: { maskError: (error, message) => maskError(error, message), isDev: false },
    // Multipart bodies are file uploads, which no field takes; the body limit is useBodyLimit's.
    multipart: false,
    maxRequestBodySize: false,
    plugins: [
      useClientGuard({ keyless: open, ...config.server }),
      useAuthenticateFirst(config.security.apiKeys),
      useRequestObserver(services.logger, services.metrics),
      useHealth(services),
      useMetricsEndpoint(services.metrics),
      useOip(services),
      useWebApp(loadWebAssets(WEB_DIST)),
      useMediaTypes(),
      useBodyLimit(config.limits.bodyBytes),
      useTensorSizeLimit(config.inference.maxInputBytes),
      ...useQueryLimits(config),
      ...(config.server.graphiql ? [] : [useDisableIntrospection() as Plugin]),
    ] as Array<Plugin<GatewayContext & ServerContext>>,
  });
}
