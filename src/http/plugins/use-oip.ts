import type { Plugin } from "graphql-yoga";
import type { Services } from "../../context.js";
import { factsOf } from "../../observability/request-scope.js";
import { scopesOf, unauthorized } from "../../security/authorization.js";
import { type Caller, identify } from "../../security/identify.js";
import { codeOf, oipError, responseOfError } from "../oip/oip-errors.js";
import { infer } from "../oip/oip-infer.js";
import { modelMetadata, modelReady, serverMetadata, serverReady } from "../oip/oip-metadata.js";
import { parseOipRoute } from "../oip/oip-route.js";
import { clientAddress, type ServerContext } from "../server-context.js";

/**
 * The Open Inference Protocol's REST endpoints (KServe v2) under /v2, for the clients teams
 * already have (curl, tritonclient, KServe SDKs): health, server and model metadata, model
 * readiness, and inference through the same inference service as runInference. With API keys,
 * every endpoint needs a valid key (useAuthenticateFirst refused the others before the body was
 * read); metadata and readiness need the read or infer scope, inference the infer scope (and
 * pull to pull a model first). Every answer is JSON; errors are OIP's `{ "error": "..." }`.
 */
export function useOip(services: Services): Plugin<Record<string, unknown>, ServerContext> {
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (url.pathname !== "/v2" && !url.pathname.startsWith("/v2/")) return;
      const caller = identify(services.config.security.apiKeys, request.headers.get("authorization"));
      const facts = factsOf(request);
      if (facts) facts.caller = caller.kind === "key" ? caller.principal.id : caller.kind;
      let response: Response;
      try {
        response = await answer(request, caller, clientAddress(serverContext), services);
      } catch (error) {
        response = responseOfError(error) ?? unexpected(services, error);
      }
      const code = codeOf(response);
      if (facts && code) facts.codes.push(code);
      endResponse(response);
    },
  };
}

async function answer(request: Request, caller: Caller, address: string | null, services: Services): Promise<Response> {
  const route = parseOipRoute(new URL(request.url).pathname);
  if (route.kind === "unknown") {
    return oipError(404, "NOT_FOUND", "No such Open Inference Protocol endpoint; see /v2 and /v2/models/<name>.");
  }
  if (caller.kind === "anonymous" || caller.kind === "invalid-key") throw unauthorized(caller, "The endpoint", []);
  if (request.method !== route.method && !(route.method === "GET" && request.method === "HEAD")) {
    const refusal = oipError(
      405,
      "METHOD_NOT_ALLOWED",
      `${route.kind === "infer" ? "Inference" : "This endpoint"} takes ${route.method} only.`,
    );
    refusal.headers.set("allow", route.method);
    return refusal;
  }
  const context = { services, caller, clientAddress: address, requestId: factsOf(request)?.id ?? null };
  const scopes = scopesOf(caller);
  switch (route.kind) {
    case "server-metadata":
      return serverMetadata(services);
    case "server-live":
      return Response.json({ live: true });
    case "server-ready":
      return serverReady(services);
    case "infer":
      if (!scopes.infer) throw unauthorized(caller, "Inference", ["infer"]);
      return infer(request, route.model, context);
    default:
      if (!scopes.read && !scopes.infer) throw unauthorized(caller, "Model metadata", ["read", "infer"]);
      return (route.kind === "model-ready" ? modelReady : modelMetadata)(services, route.model, request.signal);
  }
}

/** Anything but a domain error: logged whole, answered 500 without its text. */
function unexpected(services: Services, error: unknown): Response {
  services.logger.error({ err: error }, "OIP request failed unexpectedly");
  return oipError(500, "INTERNAL_SERVER_ERROR", "The gateway failed unexpectedly; its log has the details.");
}
