import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { closeWhenTestEnds } from "./cleanup.js";

/** One request a local server received, as `record: true` keeps it. */
export interface LocalRequest {
  method: string;
  /** The path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface LocalServerOptions {
  /** Keep every request in `requests` (before the handler sees it). */
  record?: boolean;
  /** The host name `url` uses; it still listens on 127.0.0.1 ("localhost" makes another origin). */
  host?: string;
}

export interface LocalServer extends AsyncDisposable {
  /** `http://<host>:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** The requests received so far (empty unless `record: true`). */
  readonly requests: LocalRequest[];
  /** Ends open connections and stops listening; a second call waits for the first. */
  close(): Promise<void>;
}

export type LocalHandler = (request: IncomingMessage, response: ServerResponse) => unknown;

/**
 * An HTTP server on 127.0.0.1 and a free port, for a test's fake registries, CDNs and backends.
 * Started while a test runs (its body or a beforeEach) it closes itself when the test ends;
 * started in beforeAll, the caller closes it (afterAll), or `await using` it.
 */
export async function startLocalServer(handler: LocalHandler, options: LocalServerOptions = {}): Promise<LocalServer> {
  const requests: LocalRequest[] = [];
  const server = createServer((request, response) => {
    if (options.record) {
      const url = new URL(request.url ?? "/", "http://local");
      requests.push({
        method: request.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        at: performance.now(),
      });
    }
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = closeWhenTestEnds(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    server,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
