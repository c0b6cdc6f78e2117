import { randomUUID } from "node:crypto";

/** What the gateway learns about one HTTP request while serving it, for its log line and metrics. */
export interface RequestFacts {
  id: string;
  started: number;
  operation: string;
  operationName: string | null;
  /** Error codes answered: GraphQL errors' and those of typed GatewayError results. */
  codes: string[];
  caller?: string;
}

const facts = new WeakMap<Request, RequestFacts>();

/** Starts a request's facts; its id is the client's X-Request-Id (at most 128 characters) or a new one. */
export function beginRequest(request: Request): RequestFacts {
  const entry: RequestFacts = {
    id: request.headers.get("x-request-id")?.slice(0, 128) || randomUUID(),
    started: performance.now(),
    operation: "http",
    operationName: null,
    codes: [],
  };
  facts.set(request, entry);
  return entry;
}

export function factsOf(request: Request): RequestFacts | undefined {
  return facts.get(request);
}
