import { createGraphQLError, type Plugin } from "graphql-yoga";

/**
 * Refuses request bodies over `maxBytes` with 413 PAYLOAD_TOO_LARGE: at once when Content-Length
 * says so (HTTP framing then bounds the body), and while reading when it is streamed without one,
 * so a huge body is never buffered whole. Only that second case pays for a counting stream.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  const tooLarge = () =>
    createGraphQLError(`The request body is larger than the ${maxBytes}-byte limit (MAX_BODY_BYTES).`, {
      extensions: { code: "PAYLOAD_TOO_LARGE", http: { status: 413 } },
    });
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!request.body || !requestParser) return;
      const length = request.headers.get("content-length");
      if (length !== null) {
        if (Number(length) > maxBytes) throw tooLarge();
        return;
      }
      setRequestParser((req) => {
        let seen = 0;
        const counted = req.body?.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              seen += chunk.byteLength;
              if (seen > maxBytes) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return requestParser(
          new Request(req.url, {
            method: req.method,
            headers: req.headers,
            body: counted,
            duplex: "half",
          } as RequestInit),
        );
      });
    },
  };
}
