import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("configuration", () => {
  it("has working defaults for every variable", () => {
    const config = loadConfig({});

    expect(config.server).toEqual({ host: "localhost", port: 4000, corsOrigins: [], graphiql: true });
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.databaseUrl).toMatch(/^file:.*\/data\/gateway\.db$/);
    expect(config.registries.enabled).toEqual(["local"]);
    expect(config.registries.timeoutMs).toBe(10_000);
    expect(config.registries.local.dir).toMatch(/\/models$/);
    expect(Object.isFrozen(config.registries.local)).toBe(true);
  });

  it.each([
    ["PORT", "abc", /PORT="abc": must be a number/],
    ["PORT", "70000", /PORT="70000": must be at most 65535/],
    ["REGISTRY_TIMEOUT_MS", "0", /REGISTRY_TIMEOUT_MS="0": must be at least 1/],
    ["REGISTRIES", "local,nope", /REGISTRIES="local,nope": each name must be one of local/],
    ["GRAPHIQL", "maybe", /GRAPHIQL="maybe": must be true or false/],
    ["HF_ENDPOINT", "ftp://mirror", /HF_ENDPOINT="ftp:\/\/mirror": must be an http\(s\) URL/],
    ["LOG_LEVEL", "loud", /LOG_LEVEL="loud": must be one of/],
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
