import type { Plugin } from "graphql-yoga";
import { errorResponse } from "./json-response.js";

/**
 * A POST whose Content-Type no GraphQL request parser takes gets 415 with a coded JSON error,
 * where graphql-yoga would answer with an empty body.
 */
export function supportedMediaTypes(): Plugin {
  return {
    onRequestParse({ request, requestParser, endResponse }) {
      if (requestParser) return;
      const type = request.headers.get("content-type") ?? "none";
      endResponse(
        errorResponse(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          `Content-Type ${type} is not accepted; send GraphQL requests as application/json.`,
        ),
      );
    },
  };
}
