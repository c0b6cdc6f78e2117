import type { Plugin } from "graphql-yoga";
import type { ApiKey } from "../../security/api-keys.js";
import { identify } from "../../security/identify.js";
import { errorResponse } from "../json-response.js";

/** Paths whose answers need a key when keys are configured (GraphiQL's page itself is static and open). */
const GUARDED = [/^\/graphql\/?$/, /^\/metrics$/, /^\/v2(\/|$)/];

/**
 * With API keys configured, a request without a valid key is refused before its body is read,
 * parsed or validated: an anonymous client costs the gateway a header check, nothing more. What
 * each key may do (its scopes) is decided per field once the request is parsed.
 */
export function useAuthenticateFirst(keys: readonly ApiKey[]): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (keys.length === 0 || !GUARDED.some((path) => path.test(url.pathname))) return;
      if (request.method === "GET" && (request.headers.get("accept") ?? "").includes("text/html")) return;
      const caller = identify(keys, request.headers.get("authorization"));
      if (caller.kind === "key") return;
      const response = errorResponse(
        401,
        "UNAUTHENTICATED",
        caller.kind === "invalid-key"
          ? "The API key sent in the Authorization header is not recognised."
          : 'This gateway needs an API key, sent as "Authorization: Bearer <key>".',
        url.pathname,
      );
      response.headers.set("www-authenticate", 'Bearer realm="model-gateway"');
      endResponse(response);
    },
  };
}
