import type { ErrorCode } from "../domain/errors.js";

/**
 * An error response for requests refused before GraphQL runs: GraphQL-shaped, or, on the Open
 * Inference Protocol's paths (/v2), OIP's `{ "error": "..." }` (with the code beside it).
 */
export function errorResponse(status: number, code: ErrorCode, message: string, pathname = ""): Response {
  if (pathname === "/v2" || pathname.startsWith("/v2/")) return Response.json({ error: message, code }, { status });
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status });
}
