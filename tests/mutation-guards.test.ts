import { afterEach, describe, expect, it } from "vitest";
import { RUN_INFERENCE } from "./helpers/run-inference.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const READER = "reader-0123456789abcdef";
const RUNNER = "runner-0123456789abcdef";
const INPUT = {
  model: "local:mlp-classifier",
  inputs: [{ name: "features", elementType: "FLOAT32", shape: [1, 4], data: [1, 2, 3, 4] }],
};

let gateway: TestApp;
afterEach(() => gateway?.close());

async function run(key?: string) {
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
    gateway = await startTestApp({ env: { GATEWAY_API_KEYS: `${READER}=read,${RUNNER}=read+infer` } });

    const anonymous = await run();
    const reader = await run(READER);
    const runner = await run(RUNNER);

    expect(anonymous.errors?.map((e) => e.extensions.code)).toEqual(["UNAUTHENTICATED"]);
    expect(reader.errors?.map((e) => e.extensions.code)).toEqual(["FORBIDDEN"]);
    expect(runner.errors).toBeUndefined();
    expect(runner.data?.runInference.__typename).toBe("InferenceResult");
  });

  it("needs the pull scope to pull and the admin scope to remove a cached model", async () => {
    const ADMIN = "admin-0123456789abcdef";
    gateway = await startTestApp({ env: { GATEWAY_API_KEYS: `${READER}=read,${RUNNER}=read+pull,${ADMIN}=admin` } });
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

  it("rate limits runInference per client, saying when to retry", async () => {
    gateway = await startTestApp({ env: { MUTATION_RATE_LIMIT: "2" } });

    const results = [await run(), await run(), await run()];

    expect(results.map((r) => r.data?.runInference.__typename)).toEqual([
      "InferenceResult",
      "InferenceResult",
      "GatewayError",
    ]);
    expect(results[2]?.data?.runInference).toMatchObject({ code: "RATE_LIMITED" });
  });
});
