import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { GatewayError } from "../errors.js";

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
const current = new AsyncLocalStorage<RequestFacts>();

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

/** Runs a request's GraphQL execution with its facts reachable from anywhere inside it. */
export function withinRequest<T>(entry: RequestFacts, run: () => T): T {
  return current.run(entry, run);
}

/**
 * Counts an expected failure answered as a typed result (pullModel's GatewayError, say), which no
 * GraphQL error carries: the errors plugin reports them here, from inside the request's execution.
 */
export function noteAnsweredError(error: Error): void {
  if (error instanceof GatewayError) current.getStore()?.codes.push(error.code);
}
