import type { GraphQLError } from "graphql";
import { createGraphQLError, maskError as yogaMaskError } from "graphql-yoga";
import { GatewayError } from "../domain/errors.js";

/**
 * Domain errors reach clients with their code and safe details; GraphQL's own errors keep theirs,
 * and those graphql-js leaves without a code (variables of the wrong type, missing or null) get
 * BAD_USER_INPUT; everything else becomes INTERNAL_SERVER_ERROR with nothing from the inside.
 */
export function maskError(error: unknown, message: string): Error {
  const located = error as Partial<GraphQLError>;
  const original = located.originalError ?? error;
  if (original instanceof GatewayError) {
    return createGraphQLError(original.message, {
      nodes: located.nodes,
      path: located.path,
      extensions: { ...original.details, code: original.code },
    });
  }
  if (located.originalError?.name === "PothosValidationError") {
    // Pothos refuses a connection's bad `first`, `last` or cursor in its own words, without a code.
    const hint = /cursor/i.test(located.originalError.message)
      ? "; pass the endCursor (or an edge's cursor) of a previous page of this list, or leave after and before out"
      : "";
    return createGraphQLError(`${located.originalError.message}${hint}.`, {
      nodes: located.nodes,
      path: located.path,
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
  const fromGraphQL = !located.originalError || located.originalError.name === "GraphQLError";
  if (fromGraphQL && located.message !== undefined && located.extensions && !located.extensions.code) {
    return createGraphQLError(located.message, {
      nodes: located.nodes,
      path: located.path,
      extensions: { ...located.extensions, code: "BAD_USER_INPUT" },
    });
  }
  return yogaMaskError(error, message);
}
