import type { GraphQLError } from "graphql";
import { createGraphQLError, maskError as yogaMaskError } from "graphql-yoga";
import { GatewayError } from "../errors.js";

/**
 * Domain errors reach clients with their code and safe details; GraphQL's own errors keep theirs;
 * everything else becomes INTERNAL_SERVER_ERROR with no message or stack from the inside.
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
  return yogaMaskError(error, message);
}
