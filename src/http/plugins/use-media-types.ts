import type { Plugin } from "graphql-yoga";
import { errorResponse } from "../json-response.js";

/**
 * GraphQL requests are POSTed as application/json only. Forms (urlencoded, multipart) and
 * text/plain are "simple" requests a web page on any origin can send without a preflight, so a
 * mutation in one would run before CORS could say no; application/graphql is refused for the
 * same reason of one accepted form. Anything else gets 415 with a coded JSON error.
 */
export function useMediaTypes(): Plugin {
  return {
    onRequestParse({ request, requestParser, endResponse }) {
      const type = request.headers.get("content-type");
      const isJson = type !== null && /^application\/json\s*(;|$)/i.test(type);
      if (requestParser && (request.method !== "POST" || isJson)) return;
      endResponse(
        errorResponse(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          `Content-Type ${type ?? "none"} is not accepted; send GraphQL requests as application/json.`,
        ),
      );
    },
  };
}
