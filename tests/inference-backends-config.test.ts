import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

/** The message loadConfig refuses an environment with. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("INFERENCE_BACKENDS", () => {
  it("has no backends by default", () => {
    expect(loadConfig({}).inference.backends).toEqual([]);
  });

  it("reads backends from inline JSON, with defaults, and their tokens from the variables they name", () => {
    const config = loadConfig({
      INFERENCE_BACKENDS: JSON.stringify([
        { name: "gpu-box", url: "http://gpu.example:8000/", token: "GPU_TOKEN", models: ["hf:**"], weight: 3 },
        {
          name: "triton",
          url: "https://triton.example",
          models: [{ match: "local:resnet*", name: "resnet50", version: "2" }],
        },
      ]),
      GPU_TOKEN: "s3cret-token",
    });

    expect(config.inference.backends).toEqual([
      {
        name: "gpu-box",
        url: "http://gpu.example:8000",
        token: "s3cret-token",
        models: [{ match: "hf:**", name: null, version: null }],
        weight: 3,
        timeoutMs: 30_000,
        checkIntervalMs: 10_000,
      },
      expect.objectContaining({
        name: "triton",
        token: null,
        weight: 1,
        models: [{ match: "local:resnet*", name: "resnet50", version: "2" }],
      }),
    ]);
  });

  it("reads a YAML file named by the variable", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "gateway-backends-")), "backends.yaml");
    await writeFile(
      path,
      "backends:\n  - name: b\n    url: http://127.0.0.1:9000\n    models: ['local:*']\n    timeoutMs: 500\n",
    );

    expect(loadConfig({ INFERENCE_BACKENDS: path }).inference.backends).toEqual([
      expect.objectContaining({ name: "b", url: "http://127.0.0.1:9000", timeoutMs: 500 }),
    ]);
  });

  it("names the backend and the field of every mistake", () => {
    const message = refusal({
      INFERENCE_BACKENDS: JSON.stringify([
        { name: "ok", url: "http://a.example", models: ["local:*"] },
        { name: "bad-url", url: "ftp://b.example", models: ["local:*"] },
        { name: "no-models", url: "http://c.example", models: [] },
        { name: "bad-weight", url: "http://d.example", models: ["*"], weight: 0 },
        { name: "creds", url: "http://user:pw@e.example", models: ["*"] },
        { name: "ok", url: "http://f.example", models: ["*"] },
        { url: "http://g.example", models: ["*"], extra: true },
      ]),
    });

    expect(message).toContain("INFERENCE_BACKENDS backends[1] (bad-url).url: must be an http(s) URL");
    expect(message).toContain("backends[2] (no-models).models: must list at least one model pattern");
    expect(message).toContain("backends[3] (bad-weight).weight: must be a positive number");
    expect(message).toContain("backends[4] (creds).url: must not hold credentials");
    expect(message).toContain("backends[5] (ok).name: is declared twice");
    expect(message).toMatch(/backends\[6\]\.name: /);
    expect(message).toMatch(/backends\[6\]: .*extra/);
    expect(message).not.toContain("pw@");
  });

  it("refuses a token variable that is not set, naming it, and a document it cannot read", () => {
    expect(
      refusal({
        INFERENCE_BACKENDS: JSON.stringify([{ name: "b", url: "http://b.example", token: "B_TOKEN", models: ["*"] }]),
      }),
    ).toContain("INFERENCE_BACKENDS backends[0] (b).token: names B_TOKEN, which is not set");
    expect(refusal({ INFERENCE_BACKENDS: "/no/such/backends.yaml" })).toContain(
      'INFERENCE_BACKENDS="/no/such/backends.yaml": cannot be read as JSON or YAML',
    );
    expect(refusal({ INFERENCE_BACKENDS: '{"backend": []}' })).toContain(
      'INFERENCE_BACKENDS: must be a list of backends or an object with a "backends" list',
    );
  });
});
