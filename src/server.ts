import { fileURLToPath } from "node:url";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { Config } from "./config.js";
import { createContext, type GatewayContext, type Services } from "./context.js";
import { authenticateFirst } from "./http/authenticate-first.js";
import { bodyLimit } from "./http/body-limit.js";
import { clientGuard } from "./http/client-guard.js";
import { healthReport } from "./http/health.js";
import { maskError } from "./http/mask-error.js";
import { supportedMediaTypes } from "./http/media-type.js";
import { metricsEndpoint } from "./http/metrics-endpoint.js";
import { oipEndpoint } from "./http/oip/oip-endpoint.js";
import { queryLimits } from "./http/query-limits.js";
import { clientAddress, type ServerContext } from "./http/server-context.js";
import { tensorSizeLimit } from "./http/tensor-size-limit.js";
import { webApp } from "./http/web-app.js";
import { loadWebAssets } from "./http/web-assets.js";
import { requestObserver } from "./observability/request-observer.js";
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
    // Multipart bodies are file uploads, which no field takes; the body limit is bodyLimit's.
    multipart: false,
    maxRequestBodySize: false,
    plugins: [
      clientGuard({ keyless: open, ...config.server }),
      authenticateFirst(config.security.apiKeys),
      requestObserver(services.logger, services.metrics),
      healthReport(services),
      metricsEndpoint(services.metrics),
      oipEndpoint(services),
      webApp(loadWebAssets(WEB_DIST)),
      supportedMediaTypes(),
      bodyLimit(config.limits.bodyBytes),
      tensorSizeLimit(config.inference.maxInputBytes),
      ...queryLimits(config),
      ...(config.server.graphiql ? [] : [useDisableIntrospection() as Plugin]),
    ] as Array<Plugin<GatewayContext & ServerContext>>,
  });
}
