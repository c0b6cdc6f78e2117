import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackendGateway, startBackendGateway } from "./helpers/backend-gateway.js";
import { FakeOipBackend } from "./helpers/fake-oip-backend.js";
import { oipInfer } from "./helpers/oip.js";
import { runInference, runOk } from "./helpers/run-inference.js";
import { copyTemplateDatabase, startTestApp, type TestApp } from "./helpers/test-app.js";

const MODEL = "local:mlp-classifier";
const features = { name: "features", elementType: "FLOAT32", shape: [1, 4], data: [0.5, -0.25, 1, 2] };
const run = (executionProvider: string) => ({ model: MODEL, executionProvider, inputs: [features] });
const B_KEY = "gateway-b-0123456789abcdef";

interface Backend {
  name: string;
  status: string;
  error: string | null;
  binaryTensors: boolean;
}

async function backendsOf(gateway: TestApp): Promise<Backend[]> {
  const { data } = await gateway.graphql<{ runtime: { backends: Backend[] } }>(
    "{ runtime { backends { name status error binaryTensors } } }",
  );
  return data?.runtime.backends ?? [];
}

/** Waits (up to 30 s) for the gateway's health checks to find a backend in the state asked for. */
async function untilBackend(gateway: TestApp, status: string): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    if ((await backendsOf(gateway))[0]?.status === status) return;
    await sleep(100);
  }
  throw new Error(`the backend never became ${status}`);
}

const backendsVariable = (entry: Record<string, unknown>) => JSON.stringify([entry]);

describe("a second gateway process as gateway A's remote backend", () => {
  let dataDir: string;
  let b: BackendGateway;
  let a: TestApp;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "gateway-b-"));
    await copyTemplateDatabase(dataDir);
    b = await startBackendGateway({ DATA_DIR: dataDir, GATEWAY_API_KEYS: `${B_KEY}=read+infer` });
    a = await startTestApp({
      http: true,
      env: {
        INFERENCE_BACKENDS: backendsVariable({
          name: "b",
          url: b.url,
          token: "GATEWAY_B_KEY",
          models: ["local:*"],
          checkIntervalMs: 250,
        }),
        GATEWAY_B_KEY: B_KEY,
      },
    });
  });
  afterAll(async () => {
    await a?.close();
    await b?.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("runs REMOTE calls on B, whose history shows the OIP call, with the outputs of a local run", async () => {
    const remote = await runOk(a, run("REMOTE"));
    const local = await runOk(a, run("CPU"));
    const response = await fetch(`${b.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${B_KEY}` },
      body: JSON.stringify({
        query: "{ inferenceRuns(first: 1) { edges { node { model protocol provider status } } } }",
      }),
    });
    const onB = ((await response.json()) as { data: { inferenceRuns: { edges: Array<{ node: unknown }> } } }).data;
    const onA = await a.graphql<{ inferenceRuns: { edges: Array<{ node: unknown }> } }>(
      "{ inferenceRuns(first: 2) { edges { node { requestedProvider provider backend file status } } } }",
    );

    expect(remote).toMatchObject({
      provider: "REMOTE",
      backend: "b",
      file: "model.onnx",
      fileSha256: local.fileSha256,
      providersTried: [{ provider: "REMOTE", backend: "b", used: true, reason: null }],
    });
    expect(remote.outputs).toEqual(local.outputs);
    expect(onB.inferenceRuns.edges[0]?.node).toEqual({
      model: MODEL,
      protocol: "OIP",
      provider: "CPU",
      status: "SUCCEEDED",
    });
    expect(onA.data?.inferenceRuns.edges[1]?.node).toEqual({
      requestedProvider: "REMOTE",
      provider: "REMOTE",
      backend: "b",
      file: local.file,
      status: "SUCCEEDED",
    });
  });

  it("prefers B for AUTO while it is healthy, and reports it in runtime and /health", async () => {
    const auto = await runOk(a, run("AUTO"));
    const health = (await (await fetch(`${a.url}/health`)).json()) as { inferenceBackends: unknown[] };

    expect(auto).toMatchObject({ provider: "REMOTE", backend: "b" });
    // B lists the binary tensor extension, so A sends it tensors as raw bytes.
    expect(await backendsOf(a)).toEqual([{ name: "b", status: "READY", error: null, binaryTensors: true }]);
    expect(health.inferenceBackends).toEqual([expect.objectContaining({ name: "b", url: b.url, status: "READY" })]);
  });

  it("falls back locally when B is killed mid-series, recording the failed attempt, and uses B again once it is back", async () => {
    const before = await runOk(a, run("AUTO"));
    await b.kill();
    const during = await runOk(a, run("AUTO"));
    const remoteOnly = await runInference(a, run("REMOTE"));
    const port = new URL(b.url).port;
    b = await startBackendGateway({ DATA_DIR: dataDir, PORT: port, GATEWAY_API_KEYS: `${B_KEY}=read+infer` });
    await untilBackend(a, "READY");
    const after = await runOk(a, run("AUTO"));

    expect(before).toMatchObject({ provider: "REMOTE", backend: "b" });
    expect(during).toMatchObject({ provider: "CPU", backend: null });
    expect(during.providersTried[0]).toEqual({
      provider: "REMOTE",
      backend: "b",
      used: false,
      reason: expect.stringMatching(/could not be reached \(ECONN(REFUSED|RESET)\)/),
    });
    expect(during.providersTried.at(-1)).toMatchObject({ provider: "CPU", used: true });
    expect(during.outputs).toEqual(before.outputs);
    expect(remoteOnly).toMatchObject({ __typename: "GatewayError", code: "EXECUTION_PROVIDER_UNAVAILABLE" });
    expect(remoteOnly.__typename === "GatewayError" && remoteOnly.message).toMatch(/b unavailable since/);
    expect(after).toMatchObject({ provider: "REMOTE", backend: "b" });
  });
});

describe("backends that misbehave", () => {
  /** A fake backend and a gateway using it; `http` opens the gateway's port, for /metrics and OIP calls. */
  async function startWith(entry: Record<string, unknown>, { http = false } = {}) {
    const fake = await FakeOipBackend.start();
    const gateway = await startTestApp({
      http,
      env: {
        INFERENCE_BACKENDS: backendsVariable({ name: "fake", url: fake.url, token: "FAKE_TOKEN", ...entry }),
        FAKE_TOKEN: "fake-token-0123456789",
      },
    });
    return { fake, gateway };
  }

  it("sends JSON tensors with the token to a backend without the binary extension, and reads its JSON answer", async () => {
    const { fake, gateway } = await startWith({ models: ["local:mlp-*"] });

    const result = await runOk(gateway, run("REMOTE"));

    expect(result).toMatchObject({ provider: "REMOTE", backend: "fake", file: null, fileSha256: null });
    expect(result.outputs[0]?.data).toEqual(FakeOipBackend.PROBABILITIES);
    const sent = fake.infers[0];
    expect(sent).toMatchObject({
      path: "/v2/models/local%3Amlp-classifier/infer",
      contentType: "application/json",
      authorization: "Bearer fake-token-0123456789",
      offload: "1",
    });
    expect(JSON.parse(sent?.body.toString() ?? "")).toMatchObject({
      inputs: [{ name: "features", datatype: "FP32", shape: [1, 4], data: features.data }],
      outputs: [{ name: "probabilities" }],
    });
  });

  it("runs on a backend whose metadata states no signature, sending the inputs as given and taking every output", async () => {
    const { fake, gateway } = await startWith({ models: ["local:mlp-*"] });
    fake.metadata = "bare";

    const result = await runOk(gateway, run("REMOTE"));

    expect(result.outputs).toEqual([
      expect.objectContaining({ name: "probabilities", shape: [1, 3], data: FakeOipBackend.PROBABILITIES }),
    ]);
    const sent = JSON.parse(fake.infers[0]?.body.toString() ?? "");
    expect(sent.inputs).toEqual([{ name: "features", datatype: "FP32", shape: [1, 4], data: features.data }]);
    expect(sent).not.toHaveProperty("outputs");
  });

  it("ends a call to a backend that never answers at its deadline, runs it locally and skips the backend next time", async () => {
    const { fake, gateway } = await startWith(
      { models: ["local:*"], timeoutMs: 400, checkIntervalMs: 60_000 },
      { http: true },
    );
    fake.mode = "hang";

    const first = await runOk(gateway, run("AUTO"));
    const second = await runOk(gateway, run("AUTO"));

    expect(first.provider).toBe("CPU");
    expect(first.providersTried[0]).toMatchObject({
      backend: "fake",
      used: false,
      reason: "failed: it did not answer within 400 ms",
    });
    expect(second.providersTried[0]?.reason).toMatch(/^unavailable since .*did not answer within 400 ms/);
    expect(fake.infers).toHaveLength(1);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_inference_backend_failures_total\{backend="fake",kind="timeout"\} 1/);
    expect(await backendsOf(gateway)).toEqual([
      { name: "fake", status: "UNAVAILABLE", error: expect.stringContaining("400 ms"), binaryTensors: false },
    ]);
  });

  it("skips a backend for a model it does not serve, and refuses REMOTE when no backend's patterns match", async () => {
    const { gateway } = await startWith({ models: ["local:pair-classifier"] });
    const pair = {
      model: "local:pair-classifier",
      inputs: ["left", "right"].map((name) => ({
        name,
        elementType: "FLOAT32",
        shape: [1, 8],
        data: Array(8).fill(0.5),
      })),
    };

    const unserved = await runOk(gateway, pair);
    const unmatched = await runInference(gateway, run("REMOTE"));

    expect(unserved.provider).toBe("CPU");
    expect(unserved.providersTried[0]?.reason).toMatch(/does not serve this model \(404\)/);
    expect(unmatched).toMatchObject({ __typename: "GatewayError", code: "EXECUTION_PROVIDER_UNAVAILABLE" });
    expect(unmatched.__typename === "GatewayError" && unmatched.message).toMatch(/none of their model patterns/);
  });

  it("runs calls another gateway offloaded here on this gateway only, so two gateways never bounce one call", async () => {
    const { fake, gateway } = await startWith({ models: ["local:*"] }, { http: true });
    const request = { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: features.data }] };
    const offload = { "x-model-gateway-offload": "1" };

    const auto = await oipInfer(gateway.url, MODEL, request, { headers: offload });
    const remote = await oipInfer(
      gateway.url,
      MODEL,
      { ...request, parameters: { execution_provider: "REMOTE" } },
      {
        headers: offload,
      },
    );

    expect(auto).toMatchObject({ status: 200, json: { parameters: { execution_provider: "CPU" } } });
    expect(remote).toMatchObject({ status: 503, json: { code: "EXECUTION_PROVIDER_UNAVAILABLE" } });
    expect(fake.infers).toHaveLength(0);
  });
});
