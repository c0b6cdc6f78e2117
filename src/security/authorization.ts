import { GatewayError } from "../domain/errors.js";
import { hasScope, type Scope } from "./api-keys.js";
import type { Caller } from "./identify.js";

/** The scopes the caller holds, in the form Pothos's scope-auth plugin asks for. */
export function scopesOf(caller: Caller): Record<Scope, boolean> {
  const holds = (scope: Scope) => "principal" in caller && hasScope(caller.principal, scope);
  return { read: holds("read"), pull: holds("pull"), infer: holds("infer"), admin: holds("admin") };
}

/** UNAUTHENTICATED without a valid key, FORBIDDEN with one that lacks the scope; both name what is needed. */
export function unauthorized(caller: Caller, field: string, needed: readonly string[]): GatewayError {
  const scopes = needed.length > 0 ? needed.join(" or ") : "another";
  if (caller.kind === "anonymous") {
    return new GatewayError(
      "UNAUTHENTICATED",
      `${field} needs an API key with the ${scopes} scope, sent as "Authorization: Bearer <key>".`,
    );
  }
  if (caller.kind === "invalid-key") {
    return new GatewayError("UNAUTHENTICATED", "The API key sent in the Authorization header is not recognised.");
  }
  return new GatewayError("FORBIDDEN", `${field} needs the ${scopes} scope, which this API key does not have.`);
}
