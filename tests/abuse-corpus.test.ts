import { afterAll, beforeAll, expect, it } from "vitest";
import { hostileRequests } from "./helpers/hostile-requests.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

let gateway: TestApp;
beforeAll(async () => {
  gateway = await startTestApp({ env: { MAX_BODY_BYTES: "65536", MUTATION_RATE_LIMIT: "100000" } });
});
afterAll(() => gateway.close());

interface Answer {
  errors?: Array<{ extensions?: { code?: string } }>;
  data?: { runInference?: { code?: string } } | null;
}

/** Every code a response carries: GraphQL errors' extensions.code and typed GatewayError results. */
function codesOf(answer: Answer): string[] {
  const codes = (answer.errors ?? []).map((error) => error.extensions?.code ?? "");
  if (answer.data?.runInference?.code) codes.push(answer.data.runInference.code);
  return codes;
}

it("rejects 1000+ generated hostile requests, each with a code, without a crash or a 5xx", async () => {
  const requests = hostileRequests(80, 20261126);
  const outcomes: Array<{ kind: string; status: number; codes: string[] }> = [];
  for (const request of requests) {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": request.contentType ?? "application/json",
        accept: "application/graphql-response+json",
      },
      body: request.body,
    });
    const text = await response.text();
    let answer: Answer = {};
    try {
      answer = JSON.parse(text);
    } catch {
      // an unparsable answer keeps no codes and fails below
    }
    outcomes.push({ kind: request.kind, status: response.status, codes: codesOf(answer) });
  }

  expect(requests.length).toBeGreaterThanOrEqual(1000);
  expect(outcomes.filter((o) => o.status >= 500)).toEqual([]);
  expect(outcomes.filter((o) => o.codes.length === 0 || o.codes.includes(""))).toEqual([]);
  expect(outcomes.filter((o) => o.codes.includes("INTERNAL_SERVER_ERROR"))).toEqual([]);
  // The gateway still answers normally afterwards.
  const after = await gateway.graphql("{ registries { name } }");
  expect(after.errors).toBeUndefined();
}, 180_000);
