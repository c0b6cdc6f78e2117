import { print } from "@0no-co/graphql.web";
import type { TadaDocumentNode } from "gql.tada";
import { createClient, NetworkError } from "graphql-sse";

export interface GatewayClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** An API key, sent as `Authorization: Bearer <key>`, for gateways that need one. */
  apiKey?: string | null;
  /** The fetch to use (tests inject one; browsers and Node 20 have their own). */
  fetch?: typeof fetch;
}

/** A GraphQL error as the gateway answers it: its message, and its stable code when it has one. */
export interface GatewayErrorEntry {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A request the gateway refused (HTTP or GraphQL errors): the first error's code and message. */
export class GatewayRequestError extends Error {
  override name = "GatewayRequestError";

  constructor(
    readonly code: string,
    message: string,
    readonly errors: readonly GatewayErrorEntry[],
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/**
 * The one client of the gateway's public API, shared by the command line and the model browser:
 * queries and mutations over HTTP POST (JSON), subscriptions over server-sent events (graphql-sse),
 * the API key on every request, and errors turned into GatewayRequestError with their codes.
 */
export class GatewayClient {
  private readonly fetch: typeof fetch;
  private readonly sse: ReturnType<typeof createClient>;

  constructor(private readonly options: GatewayClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.sse = createClient({
      url: options.url,
      headers: () => this.headers(),
      fetchFn: this.fetch,
      retryAttempts: 0,
      // One connection per subscription: a page can follow several pulls without one stream's end ending another.
      singleConnection: false,
    });
  }

  /** Runs a query or mutation; its data, or a GatewayRequestError. */
  async request<Result, Variables>(
    document: TadaDocumentNode<Result, Variables>,
    variables?: Variables,
    signal?: AbortSignal,
  ): Promise<Result> {
    let response: Response;
    try {
      response = await this.fetch(this.options.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...this.headers() },
        body: JSON.stringify({ query: print(document), variables }),
        signal,
      });
    } catch (error) {
      throw new GatewayRequestError(
        "UNREACHABLE",
        `The gateway at ${this.options.url} cannot be reached (${(error as Error).message}).`,
        [],
      );
    }
    const body = (await response.json().catch(() => null)) as {
      data?: Result | null;
      errors?: GatewayErrorEntry[];
    } | null;
    const errors = body?.errors ?? [];
    if (body === null || errors.length > 0 || body.data == null) {
      throw failure(errors, response.status);
    }
    return body.data;
  }

  /** Follows a subscription until the gateway completes it; each event's data in turn. */
  async *subscribe<Result, Variables>(
    document: TadaDocumentNode<Result, Variables>,
    variables: Variables,
  ): AsyncGenerator<Result> {
    const events = this.sse.iterate({ query: print(document), variables: variables as Record<string, unknown> });
    try {
      for await (const event of events) {
        const errors = (event.errors ?? []) as unknown as GatewayErrorEntry[];
        if (errors.length > 0 || event.data == null) throw failure(errors, null);
        yield event.data as Result;
      }
    } catch (error) {
      throw error instanceof NetworkError ? await refusal(error as NetworkError<Response>, this.options.url) : error;
    }
  }

  private headers(): Record<string, string> {
    return this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {};
  }
}

function failure(errors: readonly GatewayErrorEntry[], status: number | null): GatewayRequestError {
  const first = errors[0];
  return new GatewayRequestError(
    first?.extensions?.code ?? (status ? `HTTP_${status}` : "UNKNOWN"),
    first?.message ?? `The gateway answered HTTP ${status} without a GraphQL result.`,
    errors,
    status,
  );
}

/**
 * A subscription the gateway refused before its stream began (401 without a key, 403, 413…) or
 * could not reach, as the same GatewayRequestError a query gets: callers see one kind of failure.
 */
async function refusal(error: NetworkError<Response>, url: string): Promise<GatewayRequestError> {
  const response = error.response;
  if (!response) {
    return new GatewayRequestError("UNREACHABLE", `The gateway at ${url} cannot be reached (${error.message}).`, []);
  }
  const body = (await response.json().catch(() => null)) as { errors?: GatewayErrorEntry[] } | null;
  return failure(body?.errors ?? [], response.status);
}
