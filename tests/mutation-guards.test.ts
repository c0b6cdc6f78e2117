import { describe, expect, it } from "vitest";
import { RegistrySet } from "../src/registries/registry-set.js";
import { FakeRegistry, fakeModels } from "./helpers/fake-registry.js";
import { RUN_INFERENCE } from "./helpers/run-inference.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const READER = "reader-0123456789abcdef";
const RUNNER = "runner-0123456789abcdef";
const INPUT = {
  model: "local:mlp-classifier",
  inputs: [{ name: "features", elementType: "FLOAT32", shape: [1, 4], data: [1, 2, 3, 4] }],
};

async function run(gateway: TestApp, key?: string) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: RUN_INFERENCE, variables: { input: INPUT } }),
  });
  return (await response.json()) as {
    data: { runInference: { __typename: string; code?: string; retryAfterSeconds?: number } } | null;
    errors?: Array<{ extensions: { code: string } }>;
  };
}

describe("guards on expensive mutations", () => {
  it("needs the infer scope to run a model", async () => {
    const gateway = await startTestApp({
      http: true,
      env: { GATEWAY_API_KEYS: `${READER}=read,${RUNNER}=read+infer` },
    });

    const anonymous = await run(gateway);
    const reader = await run(gateway, READER);
    const runner = await run(gateway, RUNNER);

    expect(anonymous.errors?.map((e) => e.extensions.code)).toEqual(["UNAUTHENTICATED"]);
    expect(reader.errors?.map((e) => e.extensions.code)).toEqual(["FORBIDDEN"]);
    expect(runner.errors).toBeUndefined();
    expect(runner.data?.runInference.__typename).toBe("InferenceResult");
  });

  it("needs the pull scope to pull and the admin scope to remove a cached model", async () => {
    const ADMIN = "admin-0123456789abcdef";
    const gateway = await startTestApp({
      http: true,
      env: { GATEWAY_API_KEYS: `${READER}=read,${RUNNER}=read+pull,${ADMIN}=admin` },
    });
    const ask = async (key: string, query: string) => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { errors?: Array<{ extensions: { code: string } }> };
      return body.errors?.map((e) => e.extensions.code) ?? [];
    };
    const pull = 'mutation { pullModel(ref: "local:mlp-classifier") { __typename } }';
    const remove = 'mutation { removeModel(ref: "local:mlp-classifier") { __typename } }';

    expect(await ask(READER, pull)).toEqual(["FORBIDDEN"]);
    expect(await ask(RUNNER, pull)).toEqual([]);
    expect(await ask(RUNNER, remove)).toEqual(["FORBIDDEN"]);
    expect(await ask(ADMIN, remove)).toEqual([]);
  });

  it("rate limits runInference per API key: one key refused, saying when to retry, while another still runs", async () => {
    const OTHER = "other-runner-0123456789ab";
    const gateway = await startTestApp({
      http: true,
      env: { GATEWAY_API_KEYS: `${RUNNER}=read+infer,${OTHER}=read+infer`, MUTATION_RATE_LIMIT: "2" },
    });

    const results = [await run(gateway, RUNNER), await run(gateway, RUNNER), await run(gateway, RUNNER)];
    const other = await run(gateway, OTHER);

    expect(results.map((r) => r.data?.runInference.__typename)).toEqual([
      "InferenceResult",
      "InferenceResult",
      "GatewayError",
    ]);
    expect(results[2]?.data?.runInference).toMatchObject({ code: "RATE_LIMITED" });
    // The bucket refills over a minute: the wait is more than nothing and at most that minute.
    const wait = results[2]?.data?.runInference.retryAfterSeconds ?? 0;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(other.data?.runInference.__typename).toBe("InferenceResult");
  });

  it("rate limits pullModel per client address on an open gateway: one address refused, another served", async () => {
    const gateway = await startTestApp({ http: true, env: { MUTATION_RATE_LIMIT: "1", TRUSTED_PROXIES: "loopback" } });
    const pullAs = async (address: string) => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({
          query:
            'mutation { pullModel(ref: "local:mlp-classifier") { __typename ... on GatewayError { code retryAfterSeconds } } }',
        }),
      });
      return (
        (await response.json()) as {
          data: { pullModel: { __typename: string; code?: string; retryAfterSeconds?: number } };
        }
      ).data.pullModel;
    };

    const first = await pullAs("127.0.0.10");
    const second = await pullAs("127.0.0.10");
    const elsewhere = await pullAs("127.0.0.11");

    expect(first.__typename).toBe("Pull");
    expect(second).toMatchObject({ __typename: "GatewayError", code: "RATE_LIMITED" });
    expect(second.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(second.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(elsewhere.__typename).toBe("Pull");
  });

  it("needs the pull scope to run a model that must be pulled first, whichever mutation pulls it", async () => {
    const remote = new FakeRegistry("remote", fakeModels("remote", 1));
    const gateway = await startTestApp({
      http: true,
      registries: new RegistrySet([remote]),
      env: { GATEWAY_API_KEYS: `${RUNNER}=read+infer` },
    });

    const response = await fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${RUNNER}` },
      body: JSON.stringify({
        query: RUN_INFERENCE,
        variables: { input: { ...INPUT, model: "remote:remote-model-001" } },
      }),
    });
    const { data } = (await response.json()) as { data: { runInference: { code: string; message: string } } };

    expect(data.runInference).toMatchObject({ code: "FORBIDDEN" });
    expect(data.runInference.message).toMatch(/pulling it needs the pull scope/);
    expect(remote.infoBatches).toEqual([]);
  });

  it("bounds the outputs by INFERENCE_MAX_OUTPUT_BYTES with OUTPUT_TOO_LARGE", async () => {
    const gateway = await startTestApp({ env: { INFERENCE_MAX_OUTPUT_BYTES: "32" } });

    // Four rows of three FLOAT32 probabilities: 48 bytes of output.
    const { data } = await gateway.graphql<{ runInference: { code: string; message: string } }>(RUN_INFERENCE, {
      input: { ...INPUT, inputs: [{ ...INPUT.inputs[0], shape: [4, 4], data: Array(16).fill(1) }] },
    });

    expect(data?.runInference).toMatchObject({ code: "OUTPUT_TOO_LARGE" });
    expect(data?.runInference.message).toMatch(/hold 48 bytes, more than INFERENCE_MAX_OUTPUT_BYTES \(32\)/);
  });
});
