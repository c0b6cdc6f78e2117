import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typedModel, webgpuInitialises, writeModelFile } from "./helpers/inference-models.js";
import { runInference, runOk } from "./helpers/run-inference.js";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

const RUNTIME = `{ runtime {
  providers { provider enabled built initialized error checkedAt }
  sessionCache { capacity entries bytes openSessions sessions { fileSha256 provider sizeBytes inUse } }
} }`;

interface Runtime {
  providers: Array<{
    provider: string;
    enabled: boolean;
    initialized: boolean;
    error: string | null;
    checkedAt: string;
  }>;
  sessionCache: {
    capacity: number;
    entries: number;
    bytes: number;
    openSessions: number;
    sessions: Array<{ fileSha256: string; provider: string; sizeBytes: number; inUse: number }>;
  };
}

const mlp = {
  model: "local:mlp-classifier",
  inputs: [{ name: "features", elementType: "FLOAT32", shape: [1, 4], data: [0.1, 0.2, 0.3, 0.4] }],
};
const pair = {
  model: "local:pair-classifier",
  inputs: ["left", "right"].map((name) => ({ name, elementType: "FLOAT32", shape: [1, 8], data: Array(8).fill(1) })),
};

// These need a machine where WebGPU does not initialise (no Vulkan loader, or no adapter), as CI's.
const webgpuWorks = await webgpuInitialises();
const withoutWebgpu = `(skipped: WebGPU initialises on this machine)`;

describe.skipIf(webgpuWorks)(`execution providers without WebGPU${webgpuWorks ? ` ${withoutWebgpu}` : ""}`, () => {
  let gateway: TestApp;
  const runtime = async () => (await gateway.graphql<{ runtime: Runtime }>(RUNTIME)).data?.runtime as Runtime;
  beforeAll(async () => {
    gateway = await startTestApp({ env: { EXECUTION_PROVIDERS: "webgpu,cpu", SESSION_CACHE_SIZE: "1" } });
    await writeModelFile(gateway.modelsDir, "fresh.onnx", typedModel("FLOAT32"));
  });
  afterAll(() => gateway.close());

  it("falls back from WEBGPU without an adapter to CPU, saying why, and does not retry it on every call", async () => {
    const first = await runOk(gateway, mlp);
    const checked = await runtime();
    const second = await runOk(gateway, mlp);

    expect(first.provider).toBe("CPU");
    expect(first.providersTried).toEqual([
      {
        provider: "WEBGPU",
        backend: null,
        used: false,
        reason: expect.stringMatching(/^did not initialise: .*(adapter|Vulkan loader)/i),
      },
      { provider: "CPU", backend: null, used: true, reason: null },
    ]);
    expect(second.providersTried).toEqual(first.providersTried);
    const webgpu = checked.providers.find((p) => p.provider === "WEBGPU");
    expect(webgpu).toMatchObject({ enabled: true, initialized: false });
    expect(first.providersTried[0]?.reason).toBe(`did not initialise: ${webgpu?.error}`);
    expect((await runtime()).providers).toEqual(checked.providers); // same checkedAt: checked once
    expect(checked.providers.find((p) => p.provider === "CPU")).toMatchObject({ initialized: true, error: null });
  });

  it.each([
    [
      "WEBGPU",
      /Execution provider WEBGPU did not initialise on this machine \(.*(adapter|Vulkan loader).*\)\. Available: CPU/i,
    ],
    ["CUDA", /Execution provider CUDA is not enabled \(EXECUTION_PROVIDERS is webgpu,cpu\)\. Available: CPU/],
  ])("answers EXECUTION_PROVIDER_UNAVAILABLE for %s, naming the available providers", async (provider, message) => {
    const result = await runInference(gateway, { ...mlp, executionProvider: provider });

    expect(result).toMatchObject({ __typename: "GatewayError", code: "EXECUTION_PROVIDER_UNAVAILABLE" });
    expect(result.__typename === "GatewayError" && result.message).toMatch(message);
  });

  it("releases the least recently used session in its worker when the cache is full", async () => {
    await runOk(gateway, mlp);
    const again = await runOk(gateway, mlp);
    const withMlp = await runtime();
    const other = await runOk(gateway, pair);
    const withPair = await runtime();
    const back = await runOk(gateway, mlp);

    expect(again.sessionReused).toBe(true);
    expect(withMlp.sessionCache).toMatchObject({ capacity: 1, entries: 1, openSessions: 1 });
    expect(withMlp.sessionCache.sessions[0]).toMatchObject({ fileSha256: again.fileSha256, provider: "CPU", inUse: 0 });
    expect(withPair.sessionCache).toMatchObject({ entries: 1, openSessions: 1 });
    expect(withPair.sessionCache.sessions[0]?.fileSha256).toBe(other.fileSha256);
    expect(withPair.sessionCache.bytes).toBe(withPair.sessionCache.sessions[0]?.sizeBytes);
    expect(back.sessionReused).toBe(false);
  });

  it("creates a session once when many first calls arrive together", async () => {
    const input = {
      model: "local:fresh",
      inputs: [{ name: "x", elementType: "FLOAT32", shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
    };

    const results = await Promise.all(Array.from({ length: 8 }, () => runOk(gateway, input)));
    const after = await runtime();

    expect(results.filter((r) => !r.sessionReused)).toHaveLength(1);
    expect(new Set(results.map((r) => JSON.stringify(r.outputs)))).toEqual(
      new Set([
        JSON.stringify([
          { name: "doubled", elementType: "FLOAT32", shape: [2, 3], data: [2, 4, 6, 8, 10, 12], base64: null },
        ]),
      ]),
    );
    expect(after.sessionCache).toMatchObject({ entries: 1, openSessions: 1 });
  });
});

describe.skipIf(webgpuWorks)(`no usable execution provider${webgpuWorks ? ` ${withoutWebgpu}` : ""}`, () => {
  let gateway: TestApp;
  beforeAll(async () => {
    gateway = await startTestApp({ env: { EXECUTION_PROVIDERS: "webgpu" } });
  });
  afterAll(() => gateway.close());

  it("answers EXECUTION_PROVIDER_UNAVAILABLE when none of EXECUTION_PROVIDERS initialises", async () => {
    const result = await runInference(gateway, mlp);

    expect(result).toMatchObject({ __typename: "GatewayError", code: "EXECUTION_PROVIDER_UNAVAILABLE" });
    expect(result.__typename === "GatewayError" && result.message).toMatch(
      /No enabled execution provider initialises on this machine: WEBGPU did not initialise: .*(adapter|Vulkan loader)/i,
    );
  });
});
