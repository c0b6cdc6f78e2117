import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/test-app.js";

let gateway: TestApp;
const providerState = { initialized: expect.any(Boolean), error: expect.toBeOneOf([null, expect.any(String)]) };
beforeAll(async () => {
  gateway = await startTestApp({ http: true });
});
afterAll(() => gateway.close());

describe("HTTP server", () => {
  it("reports readiness with version, database, shared services, registries, execution providers and inference backends at /health", async () => {
    const response = await fetch(`${gateway.url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      database: { provider: "sqlite", status: "ok", error: null, latencyMs: expect.any(Number) },
      // The embedded default: no Redis, the local cache folder.
      redis: null,
      store: { kind: "local-folder", status: "ok", error: null, latencyMs: expect.any(Number) },
      registries: [
        expect.objectContaining({ name: "local", kind: "local-folder", enabled: true, status: "UNKNOWN" }),
        expect.objectContaining({ name: "hf", kind: "huggingface", enabled: false, status: "UNKNOWN" }),
        expect.objectContaining({ name: "onnx-zoo", kind: "onnx-zoo", enabled: false, status: "UNKNOWN" }),
        expect.objectContaining({ name: "kaggle", kind: "kaggle", enabled: false, status: "UNKNOWN" }),
        expect.objectContaining({ name: "modelscope", kind: "modelscope", enabled: false, status: "UNKNOWN" }),
        expect.objectContaining({ name: "ollama", kind: "oci", enabled: false, status: "UNKNOWN" }),
      ],
      executionProviders: [
        { provider: "CUDA", ...providerState },
        { provider: "WEBGPU", ...providerState },
        { provider: "CPU", initialized: true, error: null },
      ],
      inferenceBackends: [],
    });
    // Whether CUDA or WebGPU initialise depends on the machine; either way the report explains itself.
    const { executionProviders } = (await (await fetch(`${gateway.url}/health`)).json()) as {
      executionProviders: Array<{ initialized: boolean; error: string | null }>;
    };
    for (const provider of executionProviders) expect(provider.initialized).toBe(provider.error === null);
  });

  it("serves GraphiQL from the installed packages, referencing no external script or stylesheet", async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: "text/html" } });
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain("GraphiQL");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)\s*=\s*["']?(https?:)?\/\//i);
  });

  it("answers the newcomer's first query with the seeded local models and their inputs", async () => {
    const { data, errors } = await gateway.graphql(
      `{ registries { name status } searchModels(query: "classifier") { edges { node { ref inputs { name shape } } } } }`,
    );

    expect(errors).toBeUndefined();
    expect(data).toEqual({
      registries: [
        { name: "local", status: "UNKNOWN" },
        { name: "hf", status: "UNKNOWN" },
        { name: "onnx-zoo", status: "UNKNOWN" },
        { name: "kaggle", status: "UNKNOWN" },
        { name: "modelscope", status: "UNKNOWN" },
        { name: "ollama", status: "UNKNOWN" },
      ],
      searchModels: {
        edges: [
          { node: { ref: "local:mlp-classifier", inputs: [{ name: "features", shape: ["batch", 4] }] } },
          {
            node: {
              ref: "local:pair-classifier",
              inputs: [
                { name: "left", shape: ["batch", 8] },
                { name: "right", shape: ["batch", 8] },
              ],
            },
          },
        ],
      },
    });
  });

  it("masks a resolver's unexpected failure as INTERNAL_SERVER_ERROR with nothing from the inside, in development too", async () => {
    const dev = await startTestApp({ http: true, env: { NODE_ENV: "development" } });
    try {
      // A table gone from under the gateway: its resolver fails with the driver's own words.
      await dev.app.services.db.$executeRawUnsafe('DROP TABLE "PullFile"');
      const response = await fetch(`${dev.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ pulls { edges { node { id files { path } } } } }" }),
      });
      const body = await response.text();

      expect(JSON.parse(body).errors).toEqual([
        expect.objectContaining({ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }),
      ]);
      expect(body).not.toMatch(/PullFile|no such table|SQLITE|prisma|originalError|stack|\.ts:\d+|\/tmp\//i);
    } finally {
      await dev.close();
    }
  });
});
