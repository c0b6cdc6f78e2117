import type { ErrorCode } from "../errors.js";

/** A GraphQL-shaped error response for requests refused before GraphQL runs. */
export function errorResponse(status: number, code: ErrorCode, message: string): Response {
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status });
}
