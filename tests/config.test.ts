import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("configuration", () => {
  it("has working defaults for every variable", () => {
    const config = loadConfig({});

    expect(config.server).toEqual({ host: "localhost", port: 4000, corsOrigins: [], graphiql: true });
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.databaseUrl).toMatch(/^file:.*\/data\/gateway\.db$/);
    expect(config.registries.enabled).toEqual(["local", "hf", "onnx-zoo"]);
    expect(config.registries.timeoutMs).toBe(10_000);
    expect(config.registries.local.dir).toMatch(/\/models$/);
    expect(Object.isFrozen(config.registries.local)).toBe(true);
    expect(config.registries.onnxZoo).toEqual({
      manifestUrl: "https://raw.githubusercontent.com/onnx/models/main/ONNX_HUB_MANIFEST.json",
      manifestTtlMs: 3_600_000,
      filesUrl: "https://huggingface.co/onnxmodelzoo/legacy_models/resolve/main",
    });
    expect(config.registries.hf).toEqual({
      endpoint: "https://huggingface.co",
      token: null,
      cacheTtlSeconds: 600,
      maxRetries: 3,
      retryBackoffMs: 500,
      retryBudgetMs: 5000,
    });
  });

  it("takes the zoo's files from the zoo's mirror under HF_ENDPOINT unless ONNX_ZOO_FILES_URL is set", () => {
    const mirrored = loadConfig({ HF_ENDPOINT: "https://hf-mirror.example/" });
    const own = loadConfig({
      HF_ENDPOINT: "https://hf-mirror.example",
      ONNX_ZOO_FILES_URL: "http://files.example/zoo/",
    });

    expect(mirrored.registries.onnxZoo.filesUrl).toBe(
      "https://hf-mirror.example/onnxmodelzoo/legacy_models/resolve/main",
    );
    expect(own.registries.onnxZoo.filesUrl).toBe("http://files.example/zoo");
  });

  it("takes the Hugging Face token from HF_TOKEN, or else HUGGING_FACE_HUB_TOKEN, as the Hub's tools do", () => {
    expect(loadConfig({ HF_TOKEN: "hf_a", HUGGING_FACE_HUB_TOKEN: "hf_b" }).registries.hf.token).toBe("hf_a");
    expect(loadConfig({ HUGGING_FACE_HUB_TOKEN: "hf_b" }).registries.hf.token).toBe("hf_b");
    expect(loadConfig({ HF_TOKEN: "" }).registries.hf.token).toBeNull();
  });

  it.each([
    ["PORT", "abc", /PORT="abc": must be a number/],
    ["PORT", "70000", /PORT="70000": must be at most 65535/],
    ["REGISTRY_TIMEOUT_MS", "0", /REGISTRY_TIMEOUT_MS="0": must be at least 1/],
    ["REGISTRIES", "local,nope", /REGISTRIES="local,nope": each registry must be one of local, hf, onnx-zoo/],
    ["REGISTRIES", ",", /REGISTRIES=",": must name at least one registry/],
    [
      "EXECUTION_PROVIDERS",
      "cpu,tpu",
      /EXECUTION_PROVIDERS="cpu,tpu": each execution provider must be one of cuda, webgpu, cpu/,
    ],
    ["HF_CACHE_TTL_SECONDS", "-1", /HF_CACHE_TTL_SECONDS="-1": must be at least 0/],
    ["HF_MAX_RETRIES", "many", /HF_MAX_RETRIES="many": must be a number/],
    ["GRAPHIQL", "maybe", /GRAPHIQL="maybe": must be true or false/],
    ["HF_ENDPOINT", "ftp://mirror", /HF_ENDPOINT="ftp:\/\/mirror": must be an http\(s\) URL/],
    ["LOG_LEVEL", "loud", /LOG_LEVEL="loud": must be one of/],
    ["ONNX_ZOO_MANIFEST_TTL_SECONDS", "-1", /ONNX_ZOO_MANIFEST_TTL_SECONDS="-1": must be at least 0/],
    ["ONNX_ZOO_MANIFEST_URL", "not a url", /ONNX_ZOO_MANIFEST_URL="not a url": must be an http\(s\) URL/],
    ["ONNX_ZOO_FILES_URL", "file:///tmp", /ONNX_ZOO_FILES_URL="file:\/\/\/tmp": must be an http\(s\) URL/],
    ["PULL_CONCURRENCY", "0", /PULL_CONCURRENCY="0": must be at least 1/],
  ])("stops on a malformed %s=%s with a message naming the variable", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("keeps the model cache under DATA_DIR unless CACHE_DIR says otherwise", () => {
    expect(loadConfig({ DATA_DIR: "/srv/gateway" }).pulls).toEqual({
      cacheDir: "/srv/gateway/cache",
      concurrency: 4,
      stallTimeoutMs: 30_000,
    });
    expect(loadConfig({ CACHE_DIR: "/mnt/models", PULL_CONCURRENCY: "8" }).pulls).toMatchObject({
      cacheDir: "/mnt/models",
      concurrency: 8,
    });
  });

  it("reads lists and booleans", () => {
    const config = loadConfig({ CORS_ORIGINS: "https://a.example, https://b.example", GRAPHIQL: "false" });

    expect(config.server.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.server.graphiql).toBe(false);
  });
});
