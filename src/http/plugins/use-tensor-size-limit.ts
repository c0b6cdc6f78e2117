import { createGraphQLError, type Plugin } from "graphql-yoga";
import type { ElementType } from "../../domain/tensors.js";
import { codecOf, isRunnable } from "../../inference/tensor-codec.js";

/**
 * Refuses tensors in a request's variables that carry more than INFERENCE_MAX_BYTES before
 * GraphQL coerces them: coercing millions of list items costs seconds of event loop, so the
 * bound is applied to the parsed JSON by counting, element type by element type (a value of
 * unknown type counts one byte). The exact check against the model's signature comes later.
 */
export function useTensorSizeLimit(maxBytes: number): Plugin {
  return {
    onParams({ params }) {
      const bytes = tensorBytes(params.variables);
      if (bytes > maxBytes) {
        throw createGraphQLError(
          `The request's tensors carry ${bytes} bytes, more than INFERENCE_MAX_BYTES (${maxBytes}); send smaller inputs.`,
          { extensions: { code: "PAYLOAD_TOO_LARGE", http: { status: 413 } } },
        );
      }
    },
  };
}

/** Bytes of every tensor-like object (`data` or `base64` beside an `elementType`) found at any depth. */
function tensorBytes(value: unknown, depth = 0): number {
  if (value === null || typeof value !== "object" || depth > 32) return 0;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + tensorBytes(item, depth + 1), 0);
  const record = value as Record<string, unknown>;
  let bytes = 0;
  if ("elementType" in record) {
    const type = String(record.elementType) as ElementType;
    const size = isRunnable(type) ? codecOf(type).bytes : 1;
    if (Array.isArray(record.data)) bytes += record.data.length * size;
    if (typeof record.base64 === "string") bytes += Math.floor((record.base64.length * 3) / 4);
  }
  for (const [key, inner] of Object.entries(record)) {
    if (key !== "data" && key !== "base64") bytes += tensorBytes(inner, depth + 1);
  }
  return bytes;
}
