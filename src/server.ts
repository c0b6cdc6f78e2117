import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import type { GraphQLError } from "graphql";
import {
  createGraphQLError,
  createYoga,
  type Plugin,
  type YogaServerInstance,
  maskError as yogaMaskError,
} from "graphql-yoga";
import type { Config } from "./config.js";
import { createContext, type GatewayContext, type Services } from "./context.js";
import { GatewayError } from "./errors.js";
import { schema } from "./schema/index.js";

export type Gateway = YogaServerInstance<Record<string, never>, GatewayContext>;

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
 * Builds the HTTP handler: GraphQL at /graphql (GraphiQL served from the installed packages, no
 * CDN), readiness JSON at /health, liveness at /healthz. Listening is the entry file's job.
 */
export function createGateway(services: Services, config: Config): Gateway {
  return createYoga<Record<string, never>, GatewayContext>({
    schema,
    context: ({ request }) => createContext(services, request),
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/healthz",
    landingPage: false,
    graphiql: config.server.graphiql && { title: "Model Gateway", defaultQuery: DEFAULT_QUERY },
    renderGraphiQL,
    cors: corsOptions(config),
    logging: services.logger,
    maskedErrors: { maskError: (error, message) => maskError(error, message) },
    plugins: [useHealthReport(services)],
  });
}

/** Domain errors reach clients with their code and safe details; everything else is masked. */
function maskError(error: unknown, message: string): Error {
  const located = error as Partial<GraphQLError>;
  const original = located.originalError ?? error;
  if (original instanceof GatewayError) {
    return createGraphQLError(original.message, {
      nodes: located.nodes,
      path: located.path,
      extensions: { ...original.details, code: original.code },
    });
  }
  return yogaMaskError(error, message);
}

/** Browsers on the listed origins may call the gateway; with none listed, any origin in development only. */
function corsOptions(config: Config) {
  if (config.server.corsOrigins.length > 0) return { origin: [...config.server.corsOrigins], credentials: true };
  return config.env === "development" ? { origin: "*" } : { origin: [] as string[] };
}

function useHealthReport(services: Services): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== "/health") return;
      const database = await services.db
        .$queryRawUnsafe("SELECT 1")
        .then(() => "ok" as const)
        .catch(() => "unreachable" as const);
      const registries = [
        ...services.registries.enabled.map((r) => ({ name: r.name, kind: r.kind, enabled: true })),
        ...services.registries.disabled.map((r) => ({ name: r.name, kind: r.kind, enabled: false })),
      ].map((r) => ({ ...r, ...services.monitor.healthOf(r.name) }));
      const status = database === "ok" ? "ok" : "unavailable";
      endResponse(
        fetchAPI.Response.json(
          { status, version: services.version, database, registries },
          { status: status === "ok" ? 200 : 503 },
        ),
      );
    },
  };
}
