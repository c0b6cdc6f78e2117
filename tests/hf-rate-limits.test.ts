import { describe, expect, it } from "vitest";
import { droppedConnection, rateLimitedAnswer, unavailableAnswer } from "./helpers/fake-hub.js";
import { startHubGateway } from "./helpers/hub-gateway.js";
import { freePort } from "./helpers/services/free-port.js";
import { startTestApp } from "./helpers/test-app.js";

const MODEL = `query Model($ref: String!) { model(ref: $ref) { ref revision } }`;
const SEARCH = `{ searchModels(first: 3) { edges { node { ref } } failures { registry code message retryAfterSeconds } } }`;
const REGISTRIES = `{ registries { name status lastError quota { remaining limit resetsAt windowSeconds throttledAt } } }`;

interface RegistriesData {
  registries: Array<{
    name: string;
    status: string;
    lastError: string | null;
    quota: { remaining: number; limit: number; resetsAt: string; windowSeconds: number; throttledAt: string } | null;
  }>;
}

const repos = [{ id: "acme/vision" }, { id: "acme/text" }];
const isInfo = (r: { path: string }) => r.path === "/api/models/acme/vision";

describe("Hugging Face Hub rate limits and failures", () => {
  it("waits for the RateLimit reset after a 429, answers, marks the registry DEGRADED and shows its quota", async () => {
    const setup = await startHubGateway({ repos });
    setup.hub.failNext(isInfo, rateLimitedAnswer(1));

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision" });
    const health = await setup.gateway.graphql<RegistriesData>(REGISTRIES);

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ ref: "hf:acme/vision" });
    const tries = setup.hub.requestsTo("hub").filter(isInfo);
    expect(tries).toHaveLength(2);
    // The window resets in 1 s (RateLimit t=1): the retry waited for it, not less.
    expect(gaps(tries)[0]).toBeGreaterThanOrEqual(950);
    const hf = health.data?.registries.find((r) => r.name === "hf");
    expect(hf).toMatchObject({
      status: "DEGRADED",
      lastError: "RATE_LIMITED: the last call was answered after waiting for the rate-limit window to reset.",
      quota: { remaining: 998, limit: 1000, windowSeconds: 300, throttledAt: expect.any(String) },
    });
    expect(Date.parse(hf?.quota?.resetsAt ?? "")).toBeGreaterThan(Date.now());
  });

  it("answers RATE_LIMITED with retryAfterSeconds when the reset is further away than the retry budget", async () => {
    const setup = await startHubGateway({ repos });
    setup.hub.failNext(() => true, rateLimitedAnswer(120), rateLimitedAnswer(120));

    const model = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision" });
    const search = await setup.gateway.graphql(SEARCH);
    const health = await setup.gateway.graphql<RegistriesData>(REGISTRIES);

    expect(model.errors?.[0]?.extensions).toMatchObject({
      code: "RATE_LIMITED",
      retryAfterSeconds: 120,
      registry: "hf",
    });
    expect(search.data?.searchModels).toEqual({
      edges: [],
      failures: [
        {
          registry: "hf",
          code: "RATE_LIMITED",
          message: "Registry hf is rate limiting the gateway; retry in 120 s.",
          retryAfterSeconds: 120,
        },
      ],
    });
    expect(health.data?.registries.find((r) => r.name === "hf")).toMatchObject({
      status: "DEGRADED",
      quota: { remaining: 0 },
    });
    expect(setup.hub.requestsTo("hub")).toHaveLength(2); // neither was retried
  });

  it("retries a 503 with growing backoff and answers once the Hub recovers", async () => {
    const setup = await startHubGateway({ repos }, { HF_RETRY_BACKOFF_MS: "200" });
    setup.hub.failNext(isInfo, unavailableAnswer, unavailableAnswer);

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision" });

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ ref: "hf:acme/vision" });
    const tries = setup.hub.requestsTo("hub").filter(isInfo);
    expect(tries).toHaveLength(3);
    // Backoff with equal jitter: at least half of 200 ms, then at least half of 400 ms.
    const [first, second] = gaps(tries);
    expect(first).toBeGreaterThanOrEqual(100);
    expect(second).toBeGreaterThanOrEqual(200);
  });

  it("answers REGISTRY_UNAVAILABLE after HF_MAX_RETRIES retries when the Hub stays down", async () => {
    const setup = await startHubGateway({ repos }, { HF_MAX_RETRIES: "2" });
    setup.hub.failNext(isInfo, unavailableAnswer, unavailableAnswer, unavailableAnswer, unavailableAnswer);

    const { errors } = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision" });
    const health = await setup.gateway.graphql<RegistriesData>(REGISTRIES);

    expect(errors?.[0]?.extensions?.code).toBe("REGISTRY_UNAVAILABLE");
    expect(errors?.[0]?.message).toBe("Registry hf is unavailable: it answered HTTP 503 after 3 attempts.");
    expect(setup.hub.requestsTo("hub").filter(isInfo)).toHaveLength(3);
    expect(health.data?.registries.find((r) => r.name === "hf")?.status).toBe("UNREACHABLE");
  });

  it("retries a connection the network dropped", async () => {
    const setup = await startHubGateway({ repos });
    setup.hub.failNext(isInfo, droppedConnection);

    const { data, errors } = await setup.gateway.graphql(MODEL, { ref: "hf:acme/vision" });

    expect(errors).toBeUndefined();
    expect(data?.model).toMatchObject({ ref: "hf:acme/vision" });
    expect(setup.hub.requestsTo("hub").filter(isInfo)).toHaveLength(2);
  });

  it("fails at once, without retrying, when nothing listens at HF_ENDPOINT", async () => {
    const port = await freePort(); // nothing listens there
    const attempts: string[] = [];
    const offline = await startTestApp({
      env: { REGISTRIES: "local,hf", HF_ENDPOINT: `http://127.0.0.1:${port}`, HF_RETRY_BACKOFF_MS: "1" },
      fetch: (input, init) => {
        attempts.push(String(input));
        return fetch(input, init);
      },
    });

    const { data } = await offline.graphql<{
      searchModels: { edges: unknown[]; failures: Array<{ registry: string; code: string; message: string }> };
    }>(SEARCH);

    expect(data?.searchModels.edges).toHaveLength(2); // the local folder's sample models
    expect(data?.searchModels.failures).toEqual([
      {
        registry: "hf",
        code: "REGISTRY_UNAVAILABLE",
        message: `Registry hf is unavailable: 127.0.0.1:${port} refused the connection.`,
        retryAfterSeconds: null,
      },
    ]);
    expect(attempts).toHaveLength(1);
  });
});

/** The time between each request and the one before it, in ms. */
function gaps(requests: ReadonlyArray<{ at: number }>): number[] {
  return requests.slice(1).map((request, i) => request.at - (requests[i] as { at: number }).at);
}
