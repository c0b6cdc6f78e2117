import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostileRequest, hostileRequests } from "./helpers/hostile-requests.js";
import { rawRequest } from "./helpers/raw-http.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const SEED = 20261129;
const LIMITS = {
  MAX_BODY_BYTES: "65536",
  MUTATION_RATE_LIMIT: "100000",
  INFERENCE_MAX_BYTES: "4096",
  // The schema's deepest valid query has 6 levels; a bound of 4 lets valid queries hit it.
  MAX_DEPTH: "4",
};
const KEY = "corpus-reader-0123456789";

let open: TestApp;
let keyed: TestApp;
beforeAll(async () => {
  open = await startTestApp({ http: true, env: LIMITS });
  keyed = await startTestApp({ http: true, env: { ...LIMITS, GATEWAY_API_KEYS: `${KEY}=read+pull+infer` } });
});
afterAll(async () => {
  await open.close();
  await keyed.close();
});

interface Outcome {
  kind: string;
  status: number;
  codes: string[];
}

/** Every code a response carries: GraphQL errors' extensions.code and a typed GatewayError result's. */
function codesOf(text: string): string[] {
  try {
    const answer = JSON.parse(text) as {
      errors?: Array<{ extensions?: { code?: string } }>;
      data?: { runInference?: { code?: string } } | null;
    };
    const codes = (answer.errors ?? []).map((error) => error.extensions?.code ?? "");
    if (answer.data?.runInference?.code) codes.push(answer.data.runInference.code);
    return codes;
  } catch {
    return [];
  }
}

async function send(gateway: TestApp, request: HostileRequest): Promise<Outcome> {
  const response = await rawRequest(gateway.url, {
    headers: { "content-type": request.contentType, accept: "application/graphql-response+json", ...request.headers },
    body: request.body,
  });
  return { kind: request.kind, status: response.status, codes: codesOf(response.body) };
}

/** The outcomes that are not what each request's kind expects. */
function unexpected(
  outcomes: Outcome[],
  expected: (kind: string) => { statuses: readonly number[]; codes: readonly string[] },
) {
  return outcomes.filter((outcome) => {
    const { statuses, codes } = expected(outcome.kind);
    const wrongCode = outcome.codes.length === 0 || outcome.codes.some((code) => !codes.includes(code));
    return !statuses.includes(outcome.status) || wrongCode;
  });
}

describe("a generated corpus of hostile requests", () => {
  const requests = hostileRequests(60, SEED);
  const byKind = new Map(requests.map((request) => [request.kind, request]));

  it("is refused by a keyless gateway, each request with its kind's status and code, never a 5xx", async () => {
    const outcomes: Outcome[] = [];
    for (const request of requests) outcomes.push(await send(open, request));

    expect(requests.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(requests.map((request) => request.kind)).size).toBe(17);
    expect(unexpected(outcomes, (kind) => byKind.get(kind) as HostileRequest)).toEqual([]);
    // The gateway still answers normally afterwards.
    const after = await open.graphql("{ registries { name } }");
    expect(after.errors).toBeUndefined();
  }, 240_000);

  it("is refused whole as UNAUTHENTICATED by a gateway with keys, before any body is read (a foreign Origin first)", async () => {
    const outcomes: Outcome[] = [];
    for (const request of requests) outcomes.push(await send(keyed, request));

    expect(
      unexpected(outcomes, (kind) =>
        kind === "foreign Origin"
          ? { statuses: [403], codes: ["FORBIDDEN"] }
          : { statuses: [401], codes: ["UNAUTHENTICATED"] },
      ),
    ).toEqual([]);
  }, 240_000);
});
