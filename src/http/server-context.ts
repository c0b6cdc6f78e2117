import type { IncomingMessage, ServerResponse } from "node:http";

/** What Node's HTTP server hands each request; absent when a request comes through yoga.fetch. */
export interface ServerContext {
  req?: IncomingMessage;
  res?: ServerResponse;
}

export function clientAddress(serverContext: ServerContext): string | null {
  return serverContext.req?.socket.remoteAddress ?? null;
}
