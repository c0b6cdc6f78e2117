import type { IncomingMessage, ServerResponse } from "node:http";

/** What Node's HTTP server hands each request; absent when a request comes through yoga.fetch. */
export interface ServerContext {
  req?: IncomingMessage;
  res?: ServerResponse;
  /** The client's address as the client guard settled it (a trusted proxy's word, or the peer). */
  clientAddress?: string;
}

export function clientAddress(serverContext: ServerContext): string | null {
  return serverContext.clientAddress ?? serverContext.req?.socket.remoteAddress ?? null;
}
