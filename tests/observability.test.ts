import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { RegistryUnavailable } from "../src/domain/errors.js";
import { createLogger } from "../src/logger.js";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakeRegistry, fakeModels } from "./helpers/fake-registry.js";
import { startTestApp } from "./helpers/test-app.js";

const KEY = "observer-0123456789abcdef";

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  let raw = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw += chunk;
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger("info", stream), lines, raw: () => raw };
}

describe("observability", () => {
  it("logs one line per request with its id, operation, status, duration and caller, and no credential", async () => {
    const { logger, lines, raw } = capturedLogger();
    const gateway = await startTestApp({ http: true, logger, env: { GATEWAY_API_KEYS: `${KEY}=read` } });

    const response = await fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}`, "x-request-id": "req-42" },
      body: JSON.stringify({ query: "query Registries { registries { name } }", operationName: "Registries" }),
    });
    await response.text();

    expect(response.headers.get("x-request-id")).toBe("req-42");
    const requests = lines.filter((line) => line.msg === "request");
    expect(requests).toEqual([
      expect.objectContaining({
        requestId: "req-42",
        method: "POST",
        path: "/graphql",
        operation: "Registries",
        status: 200,
        durationMs: expect.any(Number),
        caller: expect.stringMatching(/^key:[0-9a-f]{12}$/),
      }),
    ]);
    expect(raw()).not.toContain(KEY);
  });

  it("counts inference latency by provider and pulls at /metrics", async () => {
    const gateway = await startTestApp({ http: true });

    await gateway.graphql(
      `mutation { runInference(input: { model: "local:mlp-classifier", inputs: [{ name: "features", elementType: FLOAT32, shape: [1, 4], data: [1, 2, 3, 4] }] }) { __typename } }`,
    );
    await gateway.graphql('mutation { pullModel(ref: "local:mlp-classifier") { __typename } }');
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();

    expect(metrics).toMatch(/^gateway_inference_duration_seconds_count\{provider="CPU",status="SUCCEEDED"\} 1$/m);
    expect(metrics).toMatch(/^gateway_pulls_total\{status="SUCCEEDED"\} 1$/m);
    expect(metrics).toMatch(/^gateway_pull_bytes_total 0$/m);
  });

  it("exposes requests, errors by code and registry calls at /metrics", async () => {
    const failing = new FakeRegistry("broken", fakeModels("broken", 1), {
      failWith: () => new RegistryUnavailable("broken", "down"),
    });
    const gateway = await startTestApp({
      http: true,
      registries: new RegistrySet([new FakeRegistry("quick", fakeModels("quick", 2)), failing]),
    });

    await gateway.graphql("{ searchModels { edges { node { ref } } } }");
    await gateway.graphql('{ model(ref: "quick:nope") { ref } }');
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();

    expect(metrics).toMatch(/^gateway_http_requests_total\{operation="query",status="200"\} 2$/m);
    expect(metrics).toMatch(/^gateway_errors_total\{code="MODEL_NOT_FOUND"\} 1$/m);
    expect(metrics).toMatch(/^gateway_registry_failures_total\{registry="broken",code="REGISTRY_UNAVAILABLE"\} 1$/m);
    expect(metrics).toMatch(/^gateway_registry_call_duration_seconds_count\{registry="quick",outcome="ok"\} 2$/m);
  });

  it("counts typed GatewayError results in gateway_errors_total, as it counts GraphQL errors", async () => {
    const gateway = await startTestApp({ http: true });

    await gateway.graphql('mutation { pullModel(ref: "local:nope") { __typename ... on GatewayError { code } } }');
    await gateway.graphql('mutation { pullModel(ref: "local:nope") { __typename } }');
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();

    expect(metrics).toMatch(/^gateway_errors_total\{code="MODEL_NOT_FOUND"\} 2$/m);
  });

  it("logs a client's mistake without an error line or a stack, and an inference with its request id", async () => {
    const { logger, lines, raw } = capturedLogger();
    const gateway = await startTestApp({ http: true, logger });

    await gateway.graphql('{ model(ref: "local:nope") { ref } }');
    await fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-run-7" },
      body: JSON.stringify({
        query: `mutation { runInference(input: { model: "local:mlp-classifier", inputs: [{ name: "features", elementType: FLOAT32, shape: [1, 4], data: [1, 2, 3, 4] }] }) { __typename } }`,
      }),
    }).then((response) => response.text());

    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(raw()).not.toMatch(/\bat .+\.(ts|js):\d+/);
    expect(lines.find((line) => line.msg === "inference")).toMatchObject({
      requestId: "req-run-7",
      status: "SUCCEEDED",
    });
  });
});
