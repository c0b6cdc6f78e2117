import { createServer, type Server, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakeRegistry, fakeModels } from "./helpers/fake-registry.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const TIMEOUT_MS = 3000;

let hung: Server;
let sockets: Socket[];
let gateway: TestApp;

/** Runs `work` while the garbage collector runs over and over, with garbage to collect. */
async function underCollection<T>(work: () => Promise<T>): Promise<T> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error("run with --expose-gc (vitest.config.ts passes it)");
  let running = true;
  const collector = (async () => {
    while (running) {
      Array.from({ length: 10_000 }, (_, i) => ({ i, text: `garbage ${i}` }));
      collect();
      await sleep(20);
    }
  })();
  try {
    return await work();
  } finally {
    running = false;
    await collector;
  }
}

describe("a registry that accepts connections and never answers", () => {
  /** A registry that accepts every connection and never answers a byte. */
  beforeEach(async () => {
    sockets = [];
    hung = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const { port } = hung.address() as { port: number };
    gateway = await startTestApp({
      env: {
        REGISTRIES: "local,hf",
        HF_ENDPOINT: `http://127.0.0.1:${port}`,
        HF_MAX_RETRIES: "0",
        REGISTRY_TIMEOUT_MS: String(TIMEOUT_MS),
      },
    });
  });

  // The gateway first: the registry's close waits for every connection to it to end.
  afterEach(async () => {
    await gateway.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
  });

  it("becomes a REGISTRY_TIMEOUT failure of a search, while the collector runs, and the others answer", async () => {
    await gateway.graphql(`{ searchModels(registries: ["local"]) { edges { cursor } } }`); // local's hashes, once
    const { data } = await underCollection(() =>
      gateway.graphql<{ searchModels: { edges: unknown[]; failures: Array<{ registry: string; code: string }> } }>(
        `{ searchModels(query: "classifier") { edges { node { ref } } failures { registry code } } }`,
      ),
    );

    expect(data?.searchModels.failures).toEqual([{ registry: "hf", code: "REGISTRY_TIMEOUT" }]);
    expect(data?.searchModels.edges).toHaveLength(2);
  });

  it("ends a model lookup, a pull's planning and runInference's pull at the deadline", async () => {
    const { data, errors } = await underCollection(() =>
      gateway.graphql<{ model: null; pullModel: { code: string }; runInference: { code: string } }>(
        `mutation {
          pullModel(ref: "hf:org/never") { ... on GatewayError { code } }
          runInference(input: { model: "hf:org/never", inputs: [] }) { ... on GatewayError { code } }
        }`,
      ),
    );
    const lookup = await underCollection(() => gateway.graphql(`{ model(ref: "hf:org/never") { ref } }`));

    expect(errors).toBeUndefined();
    expect(data?.pullModel.code).toBe("REGISTRY_TIMEOUT");
    expect(data?.runInference.code).toBe("REGISTRY_TIMEOUT");
    expect(lookup.errors?.[0]?.extensions?.code).toBe("REGISTRY_TIMEOUT");
  });
});

describe("a registry that is down", () => {
  it("fails a batch of 100 lookups after the first connections, not one by one", async () => {
    let connections = 0;
    const resetting = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => resetting.listen(0, "127.0.0.1", resolve));
    const { port } = resetting.address() as { port: number };
    try {
      await using down = await startTestApp({
        env: { REGISTRIES: "local,hf", HF_ENDPOINT: `http://127.0.0.1:${port}`, HF_MAX_RETRIES: "0" },
      });
      const refs = Array.from({ length: 100 }, (_, i) => `hf:org/model-${i}`);
      const { errors } = await down.graphql(`query($refs: [String!]!) { models(refs: $refs) { ref } }`, { refs });

      expect(errors).toHaveLength(100);
      expect(new Set(errors?.map((error) => error.extensions?.code))).toEqual(new Set(["REGISTRY_UNAVAILABLE"]));
      // Eight lookups run at once; the first failure answers every one still waiting.
      expect(connections).toBeLessThanOrEqual(8);
    } finally {
      await new Promise((resolve) => resetting.close(resolve));
    }
  });
});

describe("a client that goes away", () => {
  it("is CANCELLED, not a registry failure: the registry stays healthy and the run is recorded as cancelled", async () => {
    const slow = new FakeRegistry("slow", fakeModels("slow", 3), { delayMs: 1500 });
    await using cut = await startTestApp({ http: true, registries: new RegistrySet([slow]) });
    const leave = async (query: string) => {
      const controller = new AbortController();
      const request = fetch(`${cut.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
        signal: controller.signal,
      }).catch(() => undefined);
      await sleep(300);
      controller.abort();
      await request;
    };

    await leave('{ searchModels(query: "slow") { edges { cursor } } }');
    await leave('mutation { runInference(input: { model: "slow:slow-model-001", inputs: [] }) { __typename } }');
    await sleep(1500); // the registry's answers arrive after the clients left
    const { data } = await cut.graphql<{
      registries: Array<{ name: string; status: string; lastError: string | null }>;
      inferenceRuns: { edges: Array<{ node: { status: string; errorCode: string } }> };
    }>("{ registries { name status lastError } inferenceRuns { edges { node { status errorCode } } } }");
    const metrics = await (await fetch(`${cut.url}/metrics`)).text();

    expect(data?.registries.find((registry) => registry.name === "slow")?.status).not.toBe("UNREACHABLE");
    expect(data?.inferenceRuns.edges.map((edge) => edge.node)).toEqual([
      { status: "CANCELLED", errorCode: "CANCELLED" },
    ]);
    expect(metrics).not.toMatch(/^gateway_registry_failures_total\{registry="slow"/m);
  });
});
